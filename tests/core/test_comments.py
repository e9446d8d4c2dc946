"""Threaded comments on any object: Markdown made safe, threads, notifications, moderation."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string

from riposte.core.comments import MAX_LENGTH, comment_create, comment_hide, comments_for
from riposte.core.follows import follow_toggle, followers_of, is_following
from riposte.core.models import AuditEntry, Comment, Notification
from riposte.directory.models import Commune, Service, Site


class _Tags(HTMLParser):
    """Every start tag with its attributes, to assert on the HTML a browser would build."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


@pytest.fixture
def target(service) -> Service:
    return service


@pytest.fixture
def other_target(service) -> Service:
    return Service.objects.create(code="DEF-02", name="PMI", level="service", parent=service.parent)


# --- Markdown, sanitised -------------------------------------------------------------------------


def test_markdown_is_rendered_and_the_source_kept(agent, target):
    body = "Un **point** important, voir [la note](https://example.org/note).\n\n- un\n- deux"

    comment = comment_create(author=agent, target=target, body=body)

    comment.refresh_from_db()
    assert comment.body == body
    assert "<strong>point</strong>" in comment.body_html
    assert "<li>un</li>" in comment.body_html
    links = [attrs for tag, attrs in tags_of(comment.body_html) if tag == "a"]
    assert links == [{"href": "https://example.org/note", "rel": "noopener noreferrer nofollow"}]


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert('xss')</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="https://example.org" onclick="alert(1)">lien</a>',
        "[cliquez](javascript:alert(1))",
        "[cliquez](JaVaScRiPt:alert(1))",
        "[cliquez](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '![image](https://example.org/x.png" onerror="alert(1))',
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        # Markdown lets this scheme through; the sanitiser's allow-list drops the href.
        "[fichier](ftp://example.org/f)",
    ],
)
def test_dangerous_content_is_neutralised(agent, target, body):
    comment = comment_create(author=agent, target=target, body=body)

    tags = tags_of(comment.body_html)
    names = {tag for tag, _ in tags}
    # Raw HTML is never rendered: it shows as text, escaped.
    assert not names & {"script", "img", "iframe", "div", "style"}
    for _tag, attrs in tags:
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href or href.startswith(("http://", "https://", "mailto:")), href


def test_raw_html_shows_as_text(agent, target):
    comment = comment_create(author=agent, target=target, body="<b>gras</b>")

    assert "<b>" not in comment.body_html
    assert "&lt;b&gt;gras&lt;/b&gt;" in comment.body_html


def test_page_level_headings_are_demoted_to_h3(agent, target):
    comment = comment_create(
        author=agent, target=target, body="# Titre\n\ntexte\n\n## Sous-titre\n\n#### Petit"
    )

    names = [tag for tag, _ in tags_of(comment.body_html)]
    assert "h1" not in names and "h2" not in names
    assert names.count("h3") == 2
    assert "<h3>Titre</h3>" in comment.body_html
    assert "<h3>Sous-titre</h3>" in comment.body_html
    assert "<h4>Petit</h4>" in comment.body_html


# --- what is refused -----------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   \n\t  "])
def test_an_empty_comment_is_refused(agent, target, body):
    with pytest.raises(ValidationError) as error:
        comment_create(author=agent, target=target, body=body)

    assert "body" in error.value.message_dict
    assert not Comment.objects.exists()
    assert not Notification.objects.exists()


def test_a_comment_over_the_limit_is_refused(agent, target, facilitator):
    follow_toggle(agent=facilitator, target=target)

    with pytest.raises(ValidationError) as error:
        comment_create(author=agent, target=target, body="x" * (MAX_LENGTH + 1))

    assert "body" in error.value.message_dict
    assert not Comment.objects.exists()
    assert not Notification.objects.exists()


def test_a_comment_at_the_limit_is_accepted(agent, target):
    assert MAX_LENGTH == 10_000
    comment = comment_create(author=agent, target=target, body="x" * MAX_LENGTH)

    assert Comment.objects.get().pk == comment.pk


def test_a_reply_to_a_comment_on_another_object_is_refused(
    agent, facilitator, target, other_target
):
    parent = comment_create(author=agent, target=other_target, body="Sur la PMI")

    with pytest.raises(ValidationError) as error:
        comment_create(author=facilitator, target=target, body="Réponse égarée", parent=parent)

    assert "parent" in error.value.message_dict
    assert Comment.objects.count() == 1
    assert not Notification.objects.filter(recipient=agent).exists()


def test_a_reply_to_a_comment_on_another_model_with_the_same_pk_is_refused(
    agent, facilitator, target
):
    commune = Commune.objects.order_by("insee_code").first()
    site = Site.objects.create(pk=target.pk, name="Site de même numéro", commune=commune)
    parent = comment_create(author=agent, target=site, body="Sur le site")

    with pytest.raises(ValidationError):
        comment_create(author=facilitator, target=target, body="Réponse égarée", parent=parent)

    assert Comment.objects.count() == 1


# --- threads -------------------------------------------------------------------------------------


def test_comments_for_builds_the_thread_tree(agent, facilitator, moderator, target, other_target):
    first = comment_create(author=agent, target=target, body="Premier")
    second = comment_create(author=facilitator, target=target, body="Second")
    reply = comment_create(
        author=facilitator, target=target, body="Réponse au premier", parent=first
    )
    reply_to_reply = comment_create(author=moderator, target=target, body="Et encore", parent=reply)
    comment_create(author=agent, target=other_target, body="Ailleurs")

    tree = comments_for(target)

    assert [c.pk for c in tree] == [first.pk, second.pk]
    assert [c.pk for c in tree[0].thread] == [reply.pk]
    assert [c.pk for c in tree[0].thread[0].thread] == [reply_to_reply.pk]
    assert tree[1].thread == []
    assert [c.body for c in comments_for(other_target)] == ["Ailleurs"]


def test_comments_for_an_object_without_comments_is_empty(target):
    assert comments_for(target) == []


def test_comments_for_does_not_query_per_comment(
    agent, facilitator, target, django_assert_num_queries
):
    parent = comment_create(author=agent, target=target, body="Premier")
    for i in range(5):
        comment_create(author=facilitator, target=target, body=f"Réponse {i}", parent=parent)

    # One query for the content type (cached afterwards) at most, one for the comments and authors.
    comments_for(target)
    with django_assert_num_queries(1):
        tree = comments_for(target)
        names = [str(c.author) for c in tree[0].thread]
    assert names == ["Fanny Lebon"] * 5


# --- notifications -------------------------------------------------------------------------------


def test_followers_and_the_parent_author_are_notified_never_the_author(
    agent, facilitator, decision_maker, moderator, target
):
    assert follow_toggle(agent=decision_maker, target=target) is True
    assert follow_toggle(agent=agent, target=target) is True
    parent = comment_create(author=agent, target=target, body="Question")
    # The author of the first comment follows the target: not notified of their own comment.
    assert Notification.objects.filter(recipient=agent).count() == 0
    assert Notification.objects.filter(recipient=decision_maker).count() == 1

    comment_create(author=facilitator, target=target, body="Réponse", parent=parent)

    # The parent's author is also a follower: notified once, not twice.
    assert Notification.objects.filter(recipient=agent).count() == 1
    assert Notification.objects.filter(recipient=decision_maker).count() == 2
    assert not Notification.objects.filter(recipient=facilitator).exists()
    assert not Notification.objects.filter(recipient=moderator).exists()
    notification = Notification.objects.get(recipient=agent)
    assert notification.actor == facilitator


def test_the_parent_author_is_notified_without_following(agent, facilitator, target):
    parent = comment_create(author=agent, target=target, body="Question")

    comment_create(author=facilitator, target=target, body="Réponse", parent=parent, url="/x/#c")

    notification = Notification.objects.get()
    assert notification.recipient == agent
    assert notification.url == "/x/#c"


def test_a_self_reply_notifies_nobody(agent, target):
    parent = comment_create(author=agent, target=target, body="Question")
    comment_create(author=agent, target=target, body="Précision", parent=parent)

    assert not Notification.objects.exists()


def test_the_notification_is_in_each_recipients_language(
    agent, facilitator, decision_maker, target
):
    agent.language = "en"
    agent.save()
    decision_maker.language = "fr"
    decision_maker.save()
    for follower in (agent, decision_maker):
        follow_toggle(agent=follower, target=target)

    comment_create(author=facilitator, target=target, body="Bonjour")

    english = Notification.objects.get(recipient=agent).message
    french = Notification.objects.get(recipient=decision_maker).message
    assert english == f"Fanny Lebon commented on {target}"
    assert french == f"Fanny Lebon a commenté {target}"


def test_unfollowing_stops_the_notifications(agent, facilitator, target):
    assert follow_toggle(agent=agent, target=target) is True
    assert is_following(agent=agent, target=target)
    assert follow_toggle(agent=agent, target=target) is False
    assert not is_following(agent=agent, target=target)
    assert list(followers_of(target)) == []

    comment_create(author=facilitator, target=target, body="Bonjour")

    assert not Notification.objects.exists()


def test_inactive_followers_are_not_notified(agent, facilitator, target):
    follow_toggle(agent=agent, target=target)
    agent.is_active = False
    agent.save()

    comment_create(author=facilitator, target=target, body="Bonjour")

    assert not Notification.objects.exists()


# --- moderation ----------------------------------------------------------------------------------


def test_a_moderator_hides_a_comment_with_a_reason_kept_and_audited(agent, moderator, target):
    comment = comment_create(author=agent, target=target, body="Propos injurieux")

    comment_hide(moderator=moderator, comment=comment, reason="  Injure envers un collègue  ")

    comment = Comment.objects.get(pk=comment.pk)  # kept in the database, never deleted
    assert comment.hidden_at is not None
    assert comment.hidden_by == moderator
    assert comment.hidden_reason == "Injure envers un collègue"
    assert comment.body == "Propos injurieux"
    entry = AuditEntry.objects.get(action="comment.hide")
    assert entry.actor == moderator
    assert entry.object_id == str(comment.pk)
    assert "Injure envers un collègue" in entry.changes["reason"]
    # Still in the thread, shown as hidden: the body does not reach the page.
    [shown] = comments_for(target)
    html = render_to_string("core/_comment.html", {"comment": shown})
    assert "Propos injurieux" not in html
    assert 'class="comment-hidden"' in html


@pytest.mark.parametrize("reason", ["", "   "])
def test_hiding_without_a_reason_is_refused(agent, moderator, target, reason):
    comment = comment_create(author=agent, target=target, body="Propos")

    with pytest.raises(ValidationError) as error:
        comment_hide(moderator=moderator, comment=comment, reason=reason)

    assert "reason" in error.value.message_dict
    comment.refresh_from_db()
    assert comment.hidden_at is None and comment.hidden_by is None
    assert not AuditEntry.objects.filter(action="comment.hide").exists()


@pytest.mark.parametrize("role", ["agent", "facilitator", "decision_maker"])
def test_only_moderators_and_admins_hide(actors, agent, target, role):
    comment = comment_create(author=agent, target=target, body="Propos")
    with pytest.raises(PermissionDenied):
        comment_hide(moderator=actors[role], comment=comment, reason="Injure")
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_an_admin_may_hide(admin_agent, agent, target):
    comment = comment_create(author=agent, target=target, body="Propos")
    comment_hide(moderator=admin_agent, comment=comment, reason="Injure")
    assert Comment.objects.get(pk=comment.pk).hidden_by == admin_agent
