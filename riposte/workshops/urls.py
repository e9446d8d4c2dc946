from typing import Any

from riposte.workshops import board_urls, report_urls, roadmap_urls

app_name = "workshops"

# The workshop, its structure and who takes part (views.py) come first; the board, the roadmap
# and the report have their own files.
urlpatterns: list[Any] = []
urlpatterns += board_urls.urlpatterns
urlpatterns += roadmap_urls.urlpatterns
urlpatterns += report_urls.urlpatterns
