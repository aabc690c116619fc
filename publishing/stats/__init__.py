"""Statistics for the secretariat: downloads and web reads per issue over time, per member
organisation, top articles; charts as SVG drawn on the server and CSV export. Editors only."""
