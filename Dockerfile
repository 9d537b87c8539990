ARG BASE_IMAGE=python:3.12-slim-bookworm@sha256:34386ef0cb081344d7ec1c103ba398e6e9f64e9ab3a1509accc92a4e24a07258
# The base image of the GitHub Action, pinned by digest as hygiene asks of every dependency.
# To refresh the digest (and review what changed before committing it), take the `Digest:` line
# (the multi-platform index) of
#   docker buildx imagetools inspect python:3.12-slim-bookworm
# or `docker pull python:3.12-slim-bookworm` and read RepoDigests in `docker image inspect`.
# CI builds the same file on a local base that has python3, venv and CA certificates:
#   docker build --build-arg BASE_IMAGE=hygiene-ci-base:bookworm --network host .
# No `# syntax=` line: BuildKit would fetch a frontend image for it.

FROM ${BASE_IMAGE} AS build
# pip only in this stage: the system CA bundle (present in both bases), no version check or
# prompts, no cache in the layer.
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_INPUT=1 \
    PIP_NO_CACHE_DIR=1
RUN python3 -m venv /opt/hygiene
# Runtime dependencies and the build backend, every distribution pinned by version and hash.
COPY requirements/action.txt /src/requirements/action.txt
RUN /opt/hygiene/bin/pip install --no-cache-dir --require-hashes --no-deps \
        -r /src/requirements/action.txt
# hygiene itself, from this checkout only: nothing else is fetched for it.
COPY pyproject.toml README.md /src/
COPY hygiene /src/hygiene
RUN /opt/hygiene/bin/pip install --no-cache-dir --no-deps --no-build-isolation --no-index /src \
    && /opt/hygiene/bin/hygiene --version

FROM ${BASE_IMAGE}
COPY --from=build /opt/hygiene /opt/hygiene
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
# GitHub runs a Docker action as root with --workdir /github/workspace (the checkout): the entry
# point is an absolute path and nothing depends on the image's working directory.
ENTRYPOINT ["/opt/hygiene/bin/hygiene-action"]
