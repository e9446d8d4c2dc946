def test_home_renders_for_agent(client_for):
    response = client_for("agent").get("/")
    assert response.status_code == 200
    assert "Célia" in response.content.decode()
