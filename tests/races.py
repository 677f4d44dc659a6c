"""Two users pressing the button at once: requests released together from threads of their own,
each on its own database connection, as two tablets or two desks would send them."""

import threading

from django.db import connections
from django.test import Client


def signed_in(user) -> Client:
    # A 500 comes back as a response, as the browser would get it, instead of being raised.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def at_once(*posts, **options):
    """Post each (client, url, data) from a thread of its own, released together; ``options``
    go to every post (``content_type="application/json"`` for the API)."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def post(index, client, url, data):
        try:
            barrier.wait(timeout=30)
            responses[index] = client.post(url, data, **options)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=post, args=(index, *arguments))
        for index, arguments in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(response is not None for response in responses), "a request never finished"
    return responses
