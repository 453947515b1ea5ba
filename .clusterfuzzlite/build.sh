#!/bin/bash -eu
# ClusterFuzzLite build: the OSS-Fuzz build script, run from the checkout under test, so
# both services build and package the fuzz targets the same way.
exec bash -eu "$SRC/gomap/scripts/oss-fuzz/build.sh"
