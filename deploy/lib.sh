# Shared by the deploy/ scripts (source it): install Debian packages that are missing.

# ensure_packages WHO PACKAGE...: installs the PACKAGEs that are not installed yet (apt-get update
# first, once); WHO prefixes the messages. Fails with a message naming what could not be had.
ensure_packages() {
  local who=$1
  shift
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "$who: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || { echo "$who: apt-get update failed" >&2; return 1; }
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || { echo "$who: could not install: ${missing[*]}" >&2; return 1; }
}
