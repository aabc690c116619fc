"""Article previews (HTML and PDF), linked from the editorial workspace by URL name."""
