""""Text me this": a topic as text messages, queued for the worker (a webhook never sends them)."""

import textwrap

import redis
from rq import Queue, Retry

BODY_LIMIT = 1600  # Twilio refuses longer bodies (error 21617)
# A text the worker has not sent within the hour is no longer "in a moment": drop it.
QUEUED_TTL_SECONDS = 3600
# A failed text (its job holds the number) is kept a day for a look, then forgotten.
FAILED_TTL_SECONDS = 86400
SEND_TEXT = "service.sender.send_text"


def pack(blocks, limit=BODY_LIMIT):
    """The blocks, joined by blank lines, in as few bodies of at most `limit` characters as fit."""
    bodies = []
    for block in blocks:
        pieces = [block] if len(block) <= limit else textwrap.wrap(block, limit,
                                                                   replace_whitespace=False)
        for piece in pieces:
            if bodies and len(bodies[-1]) + 2 + len(piece) <= limit:
                bodies[-1] += "\n\n" + piece
            else:
                bodies.append(piece)
    return bodies


def topic_texts(catalogs, topic, lang):
    """A topic's title and all its SMS parts, in the language."""
    return pack([catalogs.text(lang, topic.title),
                 *(catalogs.text(lang, part.sms) for part in topic.parts)])


class Outbox:
    """Queues texts on Redis (RQ) for the worker in the Procfile."""

    def __init__(self, config):
        timeout = config["REDIS_TIMEOUT_SECONDS"]
        # RQ keeps pickled jobs: its connection must not decode replies as text.
        connection = redis.Redis.from_url(config["REDIS_URL"], socket_timeout=timeout,
                                          socket_connect_timeout=timeout)
        self.queue = Queue(config["TEXT_QUEUE"], connection=connection)
        self.enabled = bool(config["TWILIO_ACCOUNT_SID"])
        self.sender = config["TWILIO_FROM_NUMBER"]
        retries = config["TEXT_MAX_RETRIES"]
        self.retry = Retry(max=retries, interval=config["TEXT_RETRY_SECONDS"]) if retries else None

    def send(self, to, called, bodies):
        """Queue one job per text, so that a retry never sends an earlier text twice.

        The description is what the worker logs, so it must not name the number.
        """
        jobs = [Queue.prepare_data(SEND_TEXT, (to, self.sender or called, body),
                                   description="text me this", ttl=QUEUED_TTL_SECONDS,
                                   result_ttl=0, failure_ttl=FAILED_TTL_SECONDS, retry=self.retry)
                for body in bodies]
        self.queue.enqueue_many(jobs)
