"""The deadline-day load test (`make load`): prepare accounts and their work through the services
(`prepare.py`), play the day with locust against gunicorn (`locustfile.py`), then check that every save and
submission the clients saw acknowledged is stored exactly once (`check.py`)."""
