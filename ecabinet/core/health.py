"""/healthz for operators and load balancers: is the database (and Redis) answering?"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ecabinet.core.database import check_database

bp = Blueprint("health", __name__)


def _check_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


@bp.get("/healthz")
def healthz():
    report, healthy = {"status": "ok"}, True
    try:
        check_database()
        report["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "down", named in the answer
        current_app.logger.warning("healthz: database down: %s", exc)
        report["database"], healthy = "unavailable", False
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        report["redis"] = "not configured"
    else:
        try:
            _check_redis(redis_url)
            report["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            current_app.logger.warning("healthz: redis down: %s", exc)
            report["redis"], healthy = "unavailable", False
    if not healthy:
        report["status"] = "unavailable"
    return jsonify(report), 200 if healthy else 503
