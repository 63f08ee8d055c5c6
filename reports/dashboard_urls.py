"""The portal's home page, included at "" by the root URLconf: no app namespace, so its name stays `dashboard`."""

from django.urls import path

from .dashboard_views import dashboard

urlpatterns = [path("", dashboard, name="dashboard")]
