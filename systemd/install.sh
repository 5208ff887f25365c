#!/usr/bin/env bash
# Installs Outpost from its distribution archive: the outpost system user, /opt/outpost, /etc/outpost (a
# default config that is never overwritten), /var/lib/outpost, and the systemd unit.
#
#   sudo systemd/install.sh outpost-0.1.0-dist.tar.gz            install on this machine and enable the service
#   systemd/install.sh --root /tmp/scratch outpost-...tar.gz      install into a scratch root (tests, images)
#
# Idempotent: running it again upgrades /opt/outpost and keeps the configuration and the data.
set -euo pipefail

root=/
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--root DIR] outpost-VERSION-dist.tar.gz" >&2; exit 2; }
archive="$1"
[ -f "$archive" ] || { echo "install: no such archive: $archive" >&2; exit 2; }
root="${root%/}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { echo "install: $*"; }

# 1. The user: a system account without login or home directory of its own; dialout for serial ports.
prefix_opt=()
[ -n "$root" ] && prefix_opt=(--prefix "$root")
if ! grep -q '^outpost:' "$root/etc/passwd" 2>/dev/null; then
  groupadd "${prefix_opt[@]}" --system outpost 2>/dev/null || true
  grep -q '^dialout:' "$root/etc/group" 2>/dev/null || groupadd "${prefix_opt[@]}" --system dialout
  useradd "${prefix_opt[@]}" --system --gid outpost --groups dialout --home-dir /var/lib/outpost \
    --no-create-home --shell /usr/sbin/nologin --comment "Outpost edge gateway" outpost
  say "created user outpost"
fi

# 2. The program: replaced as a whole, so an upgrade leaves no stale jars.
install -d -m 0755 "$root/opt"
staging="$(mktemp -d "$root/opt/.outpost-new.XXXXXX")"
# --no-same-owner: as root, tar would otherwise give the files to whatever uid the archive names.
tar -xzf "$archive" -C "$staging" --strip-components=1 --no-same-owner
chmod 0755 "$staging"
rm -rf "$root/opt/outpost.old"
[ -d "$root/opt/outpost" ] && mv "$root/opt/outpost" "$root/opt/outpost.old"
mv "$staging" "$root/opt/outpost"
rm -rf "$root/opt/outpost.old"
say "installed $(cat "$root/opt/outpost/VERSION" 2>/dev/null || echo outpost) in /opt/outpost"

# 3. Configuration and state: created once, never overwritten. The configuration (passwords, keys) belongs to
#    root and is readable by the service's group only, so a compromised service cannot rewrite its own users or
#    config; the state is the service's own.
uid="$(awk -F: '$1=="outpost"{print $3}' "$root/etc/passwd")"
gid="$(awk -F: '$1=="outpost"{print $3}' "$root/etc/group")"
install -d -m 0750 "$root/etc/outpost" "$root/var/lib/outpost"
if [ ! -f "$root/etc/outpost/outpost.yaml" ]; then
  install -m 0640 "$root/opt/outpost/configs/outpost.yaml" "$root/etc/outpost/outpost.yaml"
  say "wrote a default /etc/outpost/outpost.yaml: edit it, then systemctl restart outpost"
fi
chown "0:$gid" "$root/etc/outpost" "$root/etc/outpost/outpost.yaml"
chmod 0750 "$root/etc/outpost"
chmod 0640 "$root/etc/outpost/outpost.yaml"
if [ -f "$root/etc/outpost/passwd" ]; then
  chown "0:$gid" "$root/etc/outpost/passwd"
  chmod 0640 "$root/etc/outpost/passwd"
fi
# Earlier versions handed all of /etc/outpost to the service user: give such files back to root, group kept.
find "$root/etc/outpost" -user "$uid" -exec chown "0:$gid" {} +
chown -R "$uid:$gid" "$root/var/lib/outpost"

# 4. The unit.
install -d -m 0755 "$root/etc/systemd/system"
install -m 0644 "$root/opt/outpost/systemd/outpost.service" "$root/etc/systemd/system/outpost.service"
if [ -z "$root" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable outpost.service
  say "enabled outpost.service; start it with: systemctl start outpost"
else
  say "unit installed in $root/etc/systemd/system (systemd not running here: not enabled)"
fi
