"""Revisions: compare with insertions/deletions marked, restore as new; no lost updates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from editorial import services
from editorial.models import ArticleState, AutosavedDraft, EditingPresence
from tests.editorial import factories_workspace as wf

pytestmark = pytest.mark.django_db


def _save(user, article, *, base, **changes):
    values = {"title": article.title, "section": article.section, "body": article.body}
    return services.article_update(user=user, article_id=article.pk, base_version=base,
                                   content=services.ArticleContent(**(values | changes)))


def test_compare_marks_insertions_and_deletions(editor_user, client_for):
    article = wf.draft_article(by=editor_user, body="<p>数字贸易是贸易强国建设的新引擎。</p>")
    _save(editor_user, article, base=1, body="<p>数字贸易是贸易强国建设的重要新引擎。</p>",
          title="新标题")
    html = client_for(editor_user).get(
        reverse("editorial:revision_compare", args=[article.pk]), {"a": 1, "b": 2}
    ).content.decode()
    assert "<ins>重要</ins>" in html
    assert "<del>数字贸易发展</del>新" in html and "<ins>标题</ins>" in html


def test_restoring_an_old_revision_makes_a_new_one(editor_user, client_for):
    article = wf.draft_article(by=editor_user, body="<p>第一稿</p>")
    _save(editor_user, article, base=1, body="<p>第二稿</p>")
    response = client_for(editor_user).post(
        reverse("editorial:revision_restore", args=[article.pk, 1]), {"base_version": 2})
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.version, article.body) == (3, "<p>第一稿</p>")
    assert list(article.revisions.values_list("number", "body")) == [
        (3, "<p>第一稿</p>"), (2, "<p>第二稿</p>"), (1, "<p>第一稿</p>")]
    assert "恢复自第 1 版" in article.revisions.get(number=3).note


def test_stale_save_is_refused_and_nothing_is_overwritten(editor_user, second_editor):
    article = wf.draft_article(by=editor_user, body="<p>原文</p>")
    _save(second_editor, article, base=1, body="<p>丙的修改</p>")
    with pytest.raises(services.EditConflict):
        _save(editor_user, article, base=1, body="<p>甲的修改</p>")
    article.refresh_from_db()
    assert (article.version, article.body) == (2, "<p>丙的修改</p>")
    assert article.revisions.count() == 2


def _post_edit(client, article, section, *, base, body, title=None):
    return client.post(reverse("editorial:article_edit", args=[article.pk]), {
        "base_version": base, "title": title or article.title, "section": section.pk,
        "body": body, "credits": "", "tags": "", "summary": "", "source": "", "subtitle": "",
    })


def test_conflict_page_shows_both_versions_and_merges_fields_changed_on_one_side(
    editor_user, second_editor, section, client_for
):
    article = wf.draft_article(by=editor_user, section=section, body="<p>原文</p>")
    # editor 2 changes the title; editor 1, from the old version, changes the body
    _post_edit(client_for(second_editor), article, section, base=1, body="<p>原文</p>",
               title="丙改的标题")
    response = _post_edit(client_for(editor_user), article, section, base=1,
                          body="<p>甲改的正文</p>")
    assert response.status_code == 409
    html = response.content.decode()
    assert "保存冲突" in html and "编辑丙" in html
    assert "甲改的正文" in html and "原文" in html
    form = response.context["form"]
    assert form.initial["title"] == "丙改的标题"
    assert "甲改的正文" in form.initial["body"]
    assert form.initial["base_version"] == 2
    article.refresh_from_db()
    assert (article.title, article.body) == ("丙改的标题", "<p>原文</p>")
    # saving the merge form is an ordinary save on top of version 2
    response = _post_edit(client_for(editor_user), article, section, base=2,
                          body=form.initial["body"], title=form.initial["title"])
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.version, article.title, article.body) == (3, "丙改的标题", "<p>甲改的正文</p>")


def test_conflict_on_the_same_field_keeps_mine_in_the_form_and_names_the_field(
    editor_user, second_editor, section, client_for
):
    article = wf.draft_article(by=editor_user, section=section, body="<p>原文</p>")
    _post_edit(client_for(second_editor), article, section, base=1, body="<p>丙的正文</p>")
    response = _post_edit(client_for(editor_user), article, section, base=1,
                          body="<p>甲的正文</p>")
    assert response.status_code == 409
    assert "双方都改动了：正文" in response.content.decode()
    assert "甲的正文" in response.context["form"].initial["body"]
    assert "<del>丙</del><ins>甲</ins>" in response.content.decode()


def test_editor_page_shows_who_else_has_the_article_open(editor_user, second_editor, client_for):
    article = wf.draft_article(by=editor_user)
    client_for(second_editor).get(reverse("editorial:article_edit", args=[article.pk]))
    assert EditingPresence.objects.filter(user=second_editor, article=article).exists()
    html = client_for(editor_user).get(
        reverse("editorial:article_edit", args=[article.pk])).content.decode()
    assert "正在编辑这篇文章的还有" in html and "编辑丙" in html
    ping = client_for(second_editor).post(
        reverse("editorial:article_presence", args=[article.pk])).content.decode()
    assert "编辑甲" in ping


def test_autosave_keeps_unsaved_work_without_making_a_revision(editor_user, client_for):
    article = wf.draft_article(by=editor_user)
    client = client_for(editor_user)
    response = client.post(reverse("editorial:article_autosave", args=[article.pk]), {
        "base_version": 1, "title": "还没保存的标题", "body": "<p>打了一半<script>x</script></p>"})
    assert response.status_code == 200 and response.json()["stale"] is False
    article.refresh_from_db()
    assert article.version == 1 and article.revisions.count() == 1
    html = client.get(reverse("editorial:article_edit", args=[article.pk])).content.decode()
    assert "未保存的内容" in html
    assert "还没保存的标题".encode("unicode_escape").decode() in html
    assert "<script>x" not in html


def test_discarding_an_autosave_deletes_only_ones_own_copy_and_keeps_the_article(
        editor_user, second_editor, client_for):
    other = second_editor
    article = wf.draft_article(by=editor_user, title="已保存的标题")
    services.autosave_store(user=editor_user, article_id=article.pk, base_version=1,
                            data={"title": "自动保存的标题"})
    services.autosave_store(user=other, article_id=article.pk, base_version=1,
                            data={"title": "别人的草稿"})
    client = client_for(editor_user)
    url = reverse("editorial:article_autosave_discard", args=[article.pk])
    response = client.post(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json() == {"discarded": True}
    assert not AutosavedDraft.objects.filter(user=editor_user).exists()
    assert AutosavedDraft.objects.filter(user=other, article=article).exists()
    article.refresh_from_db()
    assert (article.title, article.version, article.revisions.count()) == ("已保存的标题", 1, 1)
    html = client.get(reverse("editorial:article_edit", args=[article.pk])).content.decode()
    assert "未保存的内容" not in html
    # a second click (another tab) is harmless; without script the form redirects back
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("editorial:article_edit", args=[article.pk])


def test_the_edit_page_offers_restore_and_discard_for_an_autosave(editor_user, client_for):
    article = wf.draft_article(by=editor_user)
    services.autosave_store(user=editor_user, article_id=article.pk, base_version=1,
                            data={"title": "自动保存的标题"})
    html = client_for(editor_user).get(
        reverse("editorial:article_edit", args=[article.pk])).content.decode()
    assert "恢复这些内容" in html and "放弃这些内容" in html
    assert reverse("editorial:article_autosave_discard", args=[article.pk]) in html


def test_approval_records_the_revision_the_reviewer_read(editor_user, reviewer_user):
    article = wf.draft_article(by=editor_user)
    _save(editor_user, article, base=1, body="<p>送审版本</p>")
    services.article_submit(user=editor_user, article_id=article.pk, reviewers=[reviewer_user],
                            due_date=__import__("datetime").date(2099, 1, 1))
    services.article_approve(user=reviewer_user, article_id=article.pk)
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert (article.approved_revision.number, article.approved_revision.body) == (
        2, "<p>送审版本</p>")


def test_revision_pages_of_an_imported_article_name_nobody_and_answer_200(editor_user, client_for):
    """A bundle import writes revisions without an author; their pages used to answer 500."""
    article = wf.draft_article(by=editor_user, body="<p>导入稿</p>")
    article.revisions.update(created_by=None, note="期刊包导入")
    article.transitions.update(by=None)
    client = client_for(editor_user)
    for url in (reverse("editorial:revision_list", args=[article.pk]),
                reverse("editorial:revision_detail", args=[article.pk, 1])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "无记录" in response.content.decode()
    assert client.get(reverse("editorial:article_detail", args=[article.pk])).status_code == 200
