"""GET /healthz: 200 when Redis answers, 503 when it does not (for the platform's checks)."""

import redis
from flask import Blueprint

from .line import current_line

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        current_line().store.redis.ping()
    except redis.RedisError:
        return {"status": "redis unavailable"}, 503
    return {"status": "ok"}
