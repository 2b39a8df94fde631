#!/usr/bin/env bash
# `npm test`'s set-up (the `pretest` script), and so CI's: make sure the servers and the browser the
# suites use are there. MariaDB and PostgreSQL are started when they do not answer, Debian's Chromium
# is installed when it is missing — each only when that is possible here; otherwise one line says
# why, and the suites that need it fail with their own clear message (or are skipped on purpose with
# SKIP_MARIADB=1 / SKIP_POSTGRES=1). It never stops or reconfigures a server that already runs.
set -uo pipefail

log() { printf '[test-setup] %s\n' "$*"; }

# host and port of a URL such as mysql://root@127.0.0.1:3306 (defaults when the URL leaves them out).
host_of() { local rest=${1#*://}; rest=${rest#*@}; rest=${rest%%/*}; printf '%s' "${rest%%:*}"; }
port_of() { local rest=${1#*://}; rest=${rest#*@}; rest=${rest%%/*}; [[ $rest == *:* ]] && printf '%s' "${rest##*:}" || printf '%s' "$2"; }
is_local() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }

# Waits up to 60 s for `$1` (a function) to succeed.
wait_for() {
  for _ in $(seq 1 60); do
    if "$1"; then return 0; fi
    sleep 1
  done
  "$1"
}

# --- MariaDB -------------------------------------------------------------------------------------
MARIADB_URL=${TEST_MARIADB_URL:-mysql://root@127.0.0.1:3306}
MARIADB_HOST=$(host_of "$MARIADB_URL")
MARIADB_PORT=$(port_of "$MARIADB_URL" 3306)

# The suites connect over TCP, so that is what must answer.
mariadb_answers() {
  local admin
  admin=$(command -v mariadb-admin || command -v mysqladmin) || return 1
  "$admin" --host="$MARIADB_HOST" --port="$MARIADB_PORT" --protocol=tcp --connect-timeout=2 --silent ping >/dev/null 2>&1
}

# A TCP connect, for when no client tool is installed to ask properly.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

setup_mariadb() {
  if [[ ${SKIP_MARIADB:-} == 1 ]]; then log "SKIP_MARIADB=1: MariaDB suites are skipped"; return; fi
  if mariadb_answers; then log "MariaDB answers at $MARIADB_HOST:$MARIADB_PORT"; return; fi
  if ! command -v mariadb-admin >/dev/null 2>&1 && ! command -v mysqladmin >/dev/null 2>&1 && port_open "$MARIADB_HOST" "$MARIADB_PORT"; then
    log "something listens at $MARIADB_HOST:$MARIADB_PORT (no mariadb-admin to ask): leaving it to the suites"; return
  fi
  if ! is_local "$MARIADB_HOST"; then log "MariaDB at $MARIADB_HOST:$MARIADB_PORT does not answer and is not local: start it, or set SKIP_MARIADB=1"; return; fi
  if [[ ! -x /usr/sbin/mariadbd ]]; then log "MariaDB does not answer and no server is installed (/usr/sbin/mariadbd): install it, or set SKIP_MARIADB=1"; return; fi
  if [[ $(id -u) -ne 0 ]]; then log "MariaDB does not answer and starting it needs root: start it yourself, or set SKIP_MARIADB=1"; return; fi
  log "starting MariaDB"
  mkdir -p /run/mysqld
  chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  if wait_for mariadb_answers; then log "MariaDB answers at $MARIADB_HOST:$MARIADB_PORT"; else log "MariaDB did not answer within 60 s"; fi
}

# --- PostgreSQL ----------------------------------------------------------------------------------
POSTGRES_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
POSTGRES_HOST=$(host_of "$POSTGRES_URL")
POSTGRES_PORT=$(port_of "$POSTGRES_URL" 5432)

postgres_answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --timeout=2 --quiet
  else
    port_open "$POSTGRES_HOST" "$POSTGRES_PORT"
  fi
}

setup_postgres() {
  if [[ ${SKIP_POSTGRES:-} == 1 ]]; then log "SKIP_POSTGRES=1: PostgreSQL suites are skipped"; return; fi
  if postgres_answers; then log "PostgreSQL answers at $POSTGRES_HOST:$POSTGRES_PORT"; return; fi
  if ! is_local "$POSTGRES_HOST"; then log "PostgreSQL at $POSTGRES_HOST:$POSTGRES_PORT does not answer and is not local: start it, or set SKIP_POSTGRES=1"; return; fi
  local versions
  versions=$(ls /etc/postgresql 2>/dev/null | head -n 1)
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z $versions ]]; then
    log "PostgreSQL does not answer and no cluster is installed (pg_ctlcluster, /etc/postgresql): install it, or set SKIP_POSTGRES=1"; return
  fi
  if [[ $(id -u) -ne 0 && $(id -un) != postgres ]]; then log "PostgreSQL does not answer and starting it needs root or postgres: start it yourself, or set SKIP_POSTGRES=1"; return; fi
  log "starting PostgreSQL $versions"
  pg_ctlcluster --skip-systemctl-redirect "$versions" main start || true
  if wait_for postgres_answers; then log "PostgreSQL answers at $POSTGRES_HOST:$POSTGRES_PORT"; else log "PostgreSQL did not answer within 60 s"; fi
}

# --- Chromium ------------------------------------------------------------------------------------
setup_chromium() {
  local chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
  if [[ -x $chromium ]]; then log "Chromium at $chromium"; return; fi
  if [[ $chromium != /usr/bin/chromium ]]; then log "no Chromium at CHROMIUM_PATH=$chromium: the e2e suite will fail"; return; fi
  if ! command -v apt-get >/dev/null 2>&1; then log "no Chromium at /usr/bin/chromium and no apt-get to install Debian's: the e2e suite will fail"; return; fi
  if [[ $(id -u) -ne 0 ]]; then log "no Chromium at /usr/bin/chromium and installing it needs root (apt-get install chromium): the e2e suite will fail"; return; fi
  log "installing Debian's chromium (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; then log "Chromium installed"; else log "apt-get could not install chromium: the e2e suite will fail"; fi
}

setup_mariadb
setup_postgres
setup_chromium
exit 0
