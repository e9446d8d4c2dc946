"""Routes of the workshop's report (report_views.py); joined to urls.py under the "workshops" namespace."""

from typing import Any

from django.urls import path

from riposte.workshops import report_views

urlpatterns: list[Any] = [
    path("<int:pk>/report/", report_views.report_page, name="report"),
    path("<int:pk>/report.md", report_views.report_md, name="report-md"),
    path("<int:pk>/report.pdf", report_views.report_pdf, name="report-pdf"),
    path("<int:pk>/report.docx", report_views.report_docx, name="report-docx"),
]
