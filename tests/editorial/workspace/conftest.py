"""Fixtures for the editorial workspace: one user per role, and a section to write in."""

from __future__ import annotations

import pytest

from tests.factories import AdminFactory, EditorFactory, MemberFactory, ReviewerFactory, SectionFactory


@pytest.fixture
def editor_user(db):
    return EditorFactory()


@pytest.fixture
def second_editor(db):
    return EditorFactory(username="editor2", first_name="编辑丙")


@pytest.fixture
def reviewer_user(db):
    return ReviewerFactory()


@pytest.fixture
def member_user(db):
    return MemberFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def section(db):
    return SectionFactory(name="专家观点")


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as ``user`` (None: anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
