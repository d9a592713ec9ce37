"""The web review (``linkbot serve``): a Flask app over the review queue, served on loopback."""
