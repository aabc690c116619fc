"""Every e-mail goes through one helper: subject on one line, a text and an HTML body."""

from __future__ import annotations

from django.core import mail

from editorial.mail import mail_message, mail_messages_each, mail_send, one_line


def test_subject_never_spans_lines_and_is_capped():
    assert one_line("标题\r\nBcc: victim@example.org\n 第二行") == "标题 Bcc: victim@example.org 第二行"
    assert len(one_line("长" * 500)) == 200


def test_message_has_the_text_and_an_escaped_html_body(settings):
    context = {"issue": type("I", (), {"display_title": "第9期\n<script>x</script> & 更正"})(),
               "message": "<b>失败</b> https://example.org/x", "link": "https://example.org/b"}
    message = mail_message("publishing/email/publish_failed", context, ["a@example.org"])
    assert message.subject == "【出版失败】第9期 <script>x</script> & 更正"  # plain text, one line
    assert "<b>失败</b>" in message.body  # the text part is plain text, as written
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert "<script>" not in html and "&lt;b&gt;失败&lt;/b&gt;" in html
    assert '<a href="https://example.org/x"' in html


def test_send_skips_empty_addresses_and_sends_nothing_without_any(settings):
    context = {"issue": type("I", (), {"display_title": "第9期"})(), "message": "x", "link": "y"}
    assert mail_send("publishing/email/publish_failed", context, ["", ""]) == 0
    assert mail_send("publishing/email/publish_failed", context, ["", "b@example.org"]) == 1
    assert [m.to for m in mail.outbox] == [["b@example.org"]]


def test_one_message_per_recipient_rendered_once():
    context = {"issue": type("I", (), {"display_title": "第9期"})(), "message": "x", "link": "y"}
    messages = mail_messages_each("publishing/email/publish_failed", context,
                                  ["a@example.org", "b@example.org"])
    assert [m.to for m in messages] == [["a@example.org"], ["b@example.org"]]
    assert messages[0].subject == messages[1].subject
