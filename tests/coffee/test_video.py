"""Video room names and links, for every provider setting."""

from riposte.coffee.video import room_name, room_url


def test_room_names_are_random_and_url_safe():
    names = {room_name() for _ in range(200)}
    assert len(names) == 200
    for name in names:
        assert name.startswith("riposte-cafe-")
        assert name.replace("-", "").isalnum() and name == name.lower()
        assert len(name) >= len("riposte-cafe-") + 18


def test_room_urls_follow_the_provider(settings):
    settings.VIDEO_PROVIDER, settings.VIDEO_BASE_URL = "jitsi", "https://visio.exemple.fr"
    assert room_url("abc") == "https://visio.exemple.fr/abc"
    settings.VIDEO_PROVIDER = "template"
    settings.VIDEO_URL_TEMPLATE = "{base}/rooms/{room}?lang=fr"
    assert room_url("abc") == "https://visio.exemple.fr/rooms/abc?lang=fr"
