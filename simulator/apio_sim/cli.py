"""``python -m apio_sim``: parse options, build the app, serve it with uvicorn."""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn
import yaml

from .core import Settings, SimApp, Simulator
from .store import StateError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m apio_sim", description="APIO gateway + Enterprise Portal simulator")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--seed", help="seed YAML file (default: the packaged seed.yaml)")
    p.add_argument("--users", type=int, default=0, help="add N synthetic bench users")
    g = p.add_argument_group("tokens (seconds)")
    g.add_argument("--access-ttl", type=float, default=900.0, help="APIO access token lifetime")
    g.add_argument("--refresh-ttl", type=float, default=7 * 86400.0, help="APIO and portal refresh token lifetime")
    g.add_argument("--portal-ttl", type=float, default=3600.0, help="portal access token lifetime")
    g = p.add_argument_group("faults (initial values; change them at run time with PUT /_sim/faults)")
    g.add_argument("--latency-ms", type=float, default=0)
    g.add_argument("--jitter-ms", type=float, default=0)
    g.add_argument("--error-rate", type=float, default=0.0, help="share of 500/502/503 answers")
    g.add_argument("--rate-limit-every", type=int, default=0, help="every Nth API request gets 429")
    g.add_argument("--drop-rate", type=float, default=0.0, help="share of connections closed unanswered")
    g.add_argument("--fault-seed", type=int, help="random seed, for reproducible fault runs")
    g = p.add_argument_group("server")
    g.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    g.add_argument("--tls-key", help="private key of --tls-cert (PEM)")
    g.add_argument("--log-level", choices=("debug", "info", "warning"), default="info")
    g.add_argument("--max-recorded", type=int, default=200_000, help="requests kept in the /_sim/requests log")
    g.add_argument("--http", choices=("auto", "h11", "httptools"), default="auto", help="uvicorn HTTP implementation")
    args = p.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if args.users < 0:
        p.error("--users must be >= 0")
    return args


def settings_from(args: argparse.Namespace) -> Settings:
    faults = {
        "latency_ms": args.latency_ms,
        "jitter_ms": args.jitter_ms,
        "error_rate": args.error_rate,
        "rate_limit_every": args.rate_limit_every,
        "drop_rate": args.drop_rate,
    }
    return Settings(
        seed=args.seed,
        users=args.users,
        access_ttl=args.access_ttl,
        refresh_ttl=args.refresh_ttl,
        portal_ttl=args.portal_ttl,
        fault_seed=args.fault_seed,
        max_recorded=args.max_recorded,
        faults=faults,
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    level = getattr(logging, args.log_level.upper())
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        sim = Simulator(settings_from(args))
    except (OSError, yaml.YAMLError, StateError, ValueError) as exc:
        sys.exit(f"apio_sim: cannot start: {exc}")
    uvicorn.run(
        SimApp(sim),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=False,  # the app logs one line per request itself, at debug level
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        http=args.http,
        lifespan="off",
        timeout_graceful_shutdown=1,  # do not wait for clients held by the "hang" fault
    )
