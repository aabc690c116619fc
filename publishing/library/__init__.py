"""The members' library: reader access, members, issue and article pages, downloads, search,
announcements, the feed and page caching.
"""
