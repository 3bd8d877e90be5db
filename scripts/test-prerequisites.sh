#!/usr/bin/env bash
# What `make test` needs from the system beyond .venv, checked before the first session: made where that
# is safe, else said exactly how to get it.
# - the en_US.UTF-8 locale: ansible-test warns without it, and the sanity sessions fail on any warning.
#   Made here when we are root (localedef writes one locale, nothing else); otherwise make test stops.
# - Chromium, for the browser tests of the HTML plan report: installed from Debian's packages on CI
#   (CI set, as .ci/run sets it, and root), where those tests fail without it; elsewhere they are skipped,
#   and this says so.
set -euo pipefail

if ! locale -a 2>/dev/null | grep -qix 'en_US.utf-\?8'; then
  if [[ $(id -u) == 0 ]] && command -v localedef >/dev/null; then
    localedef -i en_US -f UTF-8 en_US.UTF-8
    echo "make test: made the en_US.UTF-8 locale (ansible-test needs it)"
  else
    echo "make test: the en_US.UTF-8 locale is missing; ansible-test needs it. As root:" >&2
    echo "  localedef -i en_US -f UTF-8 en_US.UTF-8   (Debian: apt-get install locales, if localedef is missing)" >&2
    exit 1
  fi
fi

chromium_found() {
  command -v chromium || command -v chromium-browser || command -v google-chrome
} >/dev/null 2>&1
if ! chromium_found; then
  if [[ -n ${CI:-} && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "make test: installing Chromium (Debian's package) for the browser tests of the HTML plan report"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif [[ -n ${CI:-} ]]; then
    echo "make test: CI is set and Chromium is missing: the browser tests will fail. Install it: apt-get install chromium" >&2
  else
    echo "make test: no Chromium: the browser tests of the HTML plan report will be skipped (Debian: apt-get install chromium)"
  fi
fi
