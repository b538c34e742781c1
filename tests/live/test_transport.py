"""The Socket.IO transport itself: headers of Engine.IO's HTTP answers."""


def test_engineio_polling_answer_carries_nosniff(client, auth, world):
    auth.login("member")
    response = client.get("/socket.io/?EIO=4&transport=polling")
    assert response.status_code == 200 and response.text.startswith("0{")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_engineio_error_answer_carries_nosniff(client):
    response = client.get("/socket.io/?EIO=4&transport=polling&sid=unknown")
    assert response.status_code == 400
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_keep_a_single_nosniff_header(client):
    assert client.get("/login").headers.getlist("X-Content-Type-Options") == ["nosniff"]
