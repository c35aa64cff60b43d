"""The web pages: templates, view-models and the routes that render them."""
