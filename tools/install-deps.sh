#!/usr/bin/env bash
# Install the Debian packages eCabinet needs when they are missing.
#   tools/install-deps.sh run    the serif font for watermarks, stamps and demo documents
#   tools/install-deps.sh test   that, plus the tools the test suite drives (browser, PDF, PKCS#11)
#   tools/install-deps.sh build  what pip needs to build PyICU (ICU's headers, pkg-config, g++)
# Installs only as root (or with password-less sudo); otherwise says what to install.
set -euo pipefail

need=()
if [ "${1:-test}" = "build" ]; then
  pkg-config --exists icu-i18n 2>/dev/null || need+=(libicu-dev pkg-config)
  command -v g++ >/dev/null || need+=(g++)
else
  [ -f /usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf ] || need+=(fonts-noto-core)
  # Times New Roman's metrics with Vietnamese glyphs (version 1, fonts-liberation, has none).
  [ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
  # LibreOffice converts Word and Excel uploads to PDF (without it the form offers PDF only).
  command -v soffice >/dev/null || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
  if [ "${1:-test}" = "test" ]; then
    command -v chromium >/dev/null || need+=(chromium)
    command -v pdfsig >/dev/null || need+=(poppler-utils)
    command -v qpdf >/dev/null || need+=(qpdf)
    [ -f /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation)
    command -v certutil >/dev/null || need+=(libnss3-tools)
    command -v softhsm2-util >/dev/null || need+=(softhsm2)
  fi
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
elif sudo -n true 2>/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "eCabinet needs these Debian packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install ${need[*]}" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
fi
