"""hygiene.shell: install commands in shell text (HY112, HY113, HY114), never executed.

Every case states the exact findings as (line, rule, package). The shell text below is only
ever parsed: nothing in this file runs it.
"""

from __future__ import annotations

import random
import time

import pytest

from hygiene.shell import CommandFinding, analyze

H40 = "0123456789abcdef0123456789abcdef01234567"
H64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def run(text, first_line=1, hashed=None):
    callback = hashed if hashed is not None else (lambda path, cwd: None)
    return [
        (f.line, f.rule, f.package)
        for f in analyze(text, first_line=first_line, requirements_hashed=callback)
    ]


def calls_of(text, answer=None):
    calls = []

    def hashed(path, cwd):
        calls.append((path, cwd))
        return answer

    analyze(text, requirements_hashed=hashed)
    return calls


def _ids(cases):
    return [c[0][:60] for c in cases]


# --------------------------------------------------------------------------------------------
# HY112: pip and uv pip
# --------------------------------------------------------------------------------------------

PIP_CASES = [
    ("pip install requests", [(1, "HY112", "requests")]),
    ("pip3 install requests", [(1, "HY112", "requests")]),
    ("python -m pip install requests", [(1, "HY112", "requests")]),
    ("python3 -m pip install requests", [(1, "HY112", "requests")]),
    ("python3.12 -m pip install requests", [(1, "HY112", "requests")]),
    ("pip3.11 install requests", [(1, "HY112", "requests")]),
    ("/usr/bin/pip install requests", [(1, "HY112", "requests")]),
    (".venv/bin/python -m pip install requests", [(1, "HY112", "requests")]),
    ("uv pip install requests", [(1, "HY112", "requests")]),
    ("python -m uv pip install requests", [(1, "HY112", "requests")]),
    # A version pin without a hash is still not hash-checking mode.
    ("pip install foo==1.2", [(1, "HY112", "foo")]),
    ("pip install 'requests[security]>=2.0' flask", [(1, "HY112", "requests")]),
    ("pip install --upgrade pip", [(1, "HY112", "pip")]),
    ("pip install -U pip setuptools wheel", [(1, "HY112", "pip")]),
    (
        "python -m pip install --upgrade pip && pip install -r r.txt",
        [(1, "HY112", "pip"), (1, "HY112", None)],
    ),
    # Local projects: their dependencies are installed unpinned unless --no-deps.
    ("pip install .", [(1, "HY112", None)]),
    ("pip install -e .", [(1, "HY112", None)]),
    ("pip install ./pkg", [(1, "HY112", None)]),
    ("pip install /abs/dist/pkg-1.0-py3-none-any.whl", [(1, "HY112", None)]),
    ("pip install dist/*.whl", [(1, "HY112", None)]),
    ("pip install --no-deps .", []),
    ("pip install --no-deps -e ./pkg", []),
    ("pip install -e.", [(1, "HY112", None)]),
    ("pip install -e. --no-deps", []),
    ("pip install -e $PROJECT", []),
    ("pip install --no-deps dist/*.whl", []),
    ("PIP_NO_DEPS=1 pip install .", []),
    # URLs and VCS: pinned only with --no-deps and a commit id or hash fragment.
    (f"pip install git+https://github.com/o/r@{H40}", [(1, "HY112", f"git+https://github.com/o/r@{H40}")]),
    (f"pip install --no-deps git+https://github.com/o/r@{H40}", []),
    (
        "pip install --no-deps git+https://github.com/o/r@main",
        [(1, "HY112", "git+https://github.com/o/r@main")],
    ),
    (f"pip install --no-deps https://x.org/p-1.0.tar.gz#sha256={H64}", []),
    ("pip install -e git+https://github.com/o/r#egg=r", [(1, "HY112", "git+https://github.com/o/r#egg=r")]),
    # Hash-checking mode.
    ("pip install --require-hashes -r requirements.txt", []),
    ("pip install -r requirements.txt --require-hashes", []),
    ("PIP_REQUIRE_HASHES=1 pip install -r r.txt", []),
    ("export PIP_REQUIRE_HASHES=1\npip install -r r.txt", []),
    ("PIP_REQUIRE_HASHES=0 pip install -r r.txt", [(1, "HY112", None)]),
    ("pip install -r requirements.txt", [(1, "HY112", None)]),
    ("pip install -r https://example.com/r.txt", [(1, "HY112", None)]),
    # Options whose values are not packages.
    ("pip install -i https://mirror/simple requests", [(1, "HY112", "requests")]),
    ("pip install --index-url https://mirror/simple requests", [(1, "HY112", "requests")]),
    ("pip install -c constraints.txt requests", [(1, "HY112", "requests")]),
    ("pip install --constraint=c.txt requests", [(1, "HY112", "requests")]),
    ("pip install --target /opt/lib requests", [(1, "HY112", "requests")]),
    ("pip install -t /opt/lib requests", [(1, "HY112", "requests")]),
    ("pip install --prefix /usr/local --root / requests", [(1, "HY112", "requests")]),
    ("pip install -f ./wheels --no-index requests", [(1, "HY112", "requests")]),
    ("pip install --find-links ./wheels requests", [(1, "HY112", "requests")]),
    ("pip install --extra-index-url https://x --trusted-host x requests", [(1, "HY112", "requests")]),
    (
        (
            "pip install --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp "
            "--abi cp311 --only-binary=:all: --target t requests"
        ),
        [(1, "HY112", "requests")],
    ),
    (
        (
            "pip install --cache-dir /tmp/c --log /tmp/l --timeout 60 --retries 3 --proxy http://p "
            "--cert c.pem --client-cert cc.pem --exists-action i requests"
        ),
        [(1, "HY112", "requests")],
    ),
    (
        "pip install --global-option=--x --config-settings editable_mode=compat -C k=v requests",
        [(1, "HY112", "requests")],
    ),
    (
        "pip install --no-binary :all: --upgrade-strategy eager --progress-bar off --src /tmp/src requests",
        [(1, "HY112", "requests")],
    ),
    ("pip install -qU --user requests", [(1, "HY112", "requests")]),
    ("pip --disable-pip-version-check install requests", [(1, "HY112", "requests")]),
    ("sudo -H pip3 install requests", [(1, "HY112", "requests")]),
    # Nothing installed.
    ("pip download requests", []),
    ("pip uninstall -y requests", []),
    ("pip freeze > requirements.txt", []),
    ("pip install --help", []),
    ("pip install --dry-run requests", []),
    ("pip wheel -r r.txt -w dist", []),
    ("pip install", []),
    ("pip list --outdated", []),
    # A bare expansion cannot be judged.
    ("pip install $PACKAGES", []),
    ('pip install "$@"', []),
    # uv pip: --require-hashes, or hashes verified by default in a hashed file.
    ("uv pip install --require-hashes -r r.txt", []),
    ("UV_REQUIRE_HASHES=1 uv pip install -r r.txt", []),
    ("uv pip install --system -r r.txt", [(1, "HY112", None)]),
    ("uv pip sync requirements.txt", [(1, "HY112", None)]),
    ("uv pip compile requirements.in -o requirements.txt", []),
]


@pytest.mark.parametrize(("text", "expected"), PIP_CASES, ids=_ids(PIP_CASES))
def test_pip(text, expected):
    assert run(text) == expected


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("pip install -r requirements.txt", {"requirements.txt": True}, []),
        ("pip install -r requirements.txt", {"requirements.txt": False}, [(1, "HY112", None)]),
        ("pip install -rrequirements.txt", {"requirements.txt": True}, []),
        ("pip install --requirement=requirements.txt", {"requirements.txt": True}, []),
        ("pip install --requirement requirements.txt", {"requirements.txt": True}, []),
        ("pip install -qr requirements.txt", {"requirements.txt": True}, []),
        ("pip install -r a.txt -r b.txt", {"a.txt": True, "b.txt": True}, []),
        ("pip install -r a.txt -r b.txt", {"a.txt": True, "b.txt": False}, [(1, "HY112", None)]),
        ("pip install -r a.txt -r b.txt", {"a.txt": True, "b.txt": None}, [(1, "HY112", None)]),
        # Hash mode makes pip refuse anything unhashed on the command line: pinned.
        ("pip install -r hashed.txt extra", {"hashed.txt": True}, []),
        ("pip install -r hashed.txt .", {"hashed.txt": True}, []),
        # uv verifies a hashed file, but still installs the rest unhashed.
        ("uv pip install -r r.txt", {"r.txt": True}, []),
        ("uv pip install -r r.txt requests", {"r.txt": True}, [(1, "HY112", "requests")]),
        ("uv pip install --no-verify-hashes -r r.txt", {"r.txt": True}, [(1, "HY112", None)]),
        ("uv pip sync requirements.txt", {"requirements.txt": True}, []),
        ("python -m pip install -U pip && pip install -r r.txt", {"r.txt": True}, [(1, "HY112", "pip")]),
    ],
)
def test_pip_hash_mode_from_callback(text, answers, expected):
    assert run(text, hashed=lambda path, cwd: answers.get(path)) == expected


def test_uv_without_hash_verification_says_so():
    [f] = analyze("uv pip install --no-verify-hashes -r r.txt", requirements_hashed=lambda p, c: True)
    assert "installs `r.txt` without verifying its hashes (`--no-verify-hashes`)" in f.message


def test_callback_answers_other_than_bool_mean_unknown():
    assert run("pip install -r r.txt", hashed=lambda path, cwd: "yes") == [(1, "HY112", None)]


# --------------------------------------------------------------------------------------------
# HY112: pipx, uv tool, npm, yarn, pnpm, bun, go, gem, cargo
# --------------------------------------------------------------------------------------------

TOOL_CASES = [
    ("pipx install black", [(1, "HY112", "black")]),
    ("pipx install black==24.1.0", []),
    ("pipx install 'black>=24'", [(1, "HY112", "black")]),
    ("pipx install --python python3.11 black==24.1.0", []),
    ("python -m pipx install black", [(1, "HY112", "black")]),
    ("pipx run black .", [(1, "HY112", "black")]),
    ("pipx run --spec black==24.1.0 black .", []),
    ("pipx upgrade black", [(1, "HY112", "black")]),
    ("pipx list", []),
    ("pipx install .", []),
    ("uv tool install ./tools/lint", []),
    ("uv tool install ruff", [(1, "HY112", "ruff")]),
    ("uv tool install ruff==0.5.0", []),
    ("uv tool install ruff==0.5.0 --with ruff-plugin", [(1, "HY112", "ruff-plugin")]),
    ("uvx ruff check .", [(1, "HY112", "ruff")]),
    ("uvx ruff@0.5.0 check .", []),
    ("uvx --from ruff==0.5.0 ruff check", []),
    ("uv tool run ruff check", [(1, "HY112", "ruff")]),
    ("uv sync --frozen", []),
    ("uv run pytest", []),
    # npm
    ("npm install", [(1, "HY112", None)]),
    ("npm i", [(1, "HY112", None)]),
    ("npm isntall", [(1, "HY112", None)]),
    ("npm add lodash", [(1, "HY112", "lodash")]),
    ("npm update", [(1, "HY112", None)]),
    ("npm install --global typescript@5.4.5", [(1, "HY112", "typescript")]),
    ("npm install -g @angular/cli@17", [(1, "HY112", "@angular/cli")]),
    ("npm --prefix web install", [(1, "HY112", None)]),
    ("npm ci", []),
    ("npm clean-install", []),
    ("npm ci --omit dev", []),
    ("npm run build", []),
    ("npm test", []),
    ("npm install --dry-run", []),
    ("npx cowsay hello", [(1, "HY112", "cowsay")]),
    ("npx cowsay@1.5.0", [(1, "HY112", "cowsay")]),
    ("npx -p @scope/tool@1 tool", [(1, "HY112", "@scope/tool")]),
    ("npx --no-install eslint .", []),
    ("npm init vite@latest app", [(1, "HY112", "create-vite")]),
    ("npm create @scope/app", [(1, "HY112", "@scope/create-app")]),
    ("npm init -y", []),
    ("yarn create react-app my-app", [(1, "HY112", "create-react-app")]),
    ("pnpm create vite", [(1, "HY112", "create-vite")]),
    ("bun create elysia app", [(1, "HY112", "create-elysia")]),
    ("pnpm -w install", [(1, "HY112", None)]),
    ("npm exec -- prettier --check .", [(1, "HY112", "prettier")]),
    # yarn
    ("yarn", [(1, "HY112", None)]),
    ("yarn install", [(1, "HY112", None)]),
    ("yarn --cwd web install", [(1, "HY112", None)]),
    ("yarn install --frozen-lockfile", []),
    ("yarn install --immutable", []),
    ("yarn --frozen-lockfile", []),
    ("yarn add react", [(1, "HY112", "react")]),
    ("yarn global add serve", [(1, "HY112", "serve")]),
    ("yarn dlx create-react-app app", [(1, "HY112", "create-react-app")]),
    ("yarn workspace web add react", [(1, "HY112", "react")]),
    ("yarn run build", []),
    ("yarn build", []),
    ("yarn test", []),
    # pnpm and bun
    ("pnpm install", [(1, "HY112", None)]),
    ("pnpm i", [(1, "HY112", None)]),
    ("pnpm install --frozen-lockfile", []),
    ("pnpm add react", [(1, "HY112", "react")]),
    ("pnpm dlx create-vite", [(1, "HY112", "create-vite")]),
    ("pnpx degit user/repo", [(1, "HY112", "degit")]),
    ("pnpm run build", []),
    ("bun install", [(1, "HY112", None)]),
    ("bun install --frozen-lockfile", []),
    ("bun add zod", [(1, "HY112", "zod")]),
    ("bunx cowsay", [(1, "HY112", "cowsay")]),
    # go
    (
        "go install golang.org/x/tools/cmd/goimports@latest",
        [(1, "HY112", "golang.org/x/tools/cmd/goimports")],
    ),
    ("go install golang.org/x/tools/cmd/goimports", [(1, "HY112", "golang.org/x/tools/cmd/goimports")]),
    ("go install golang.org/x/tools/cmd/goimports@v0.20.0", []),
    ("go install -tags netgo github.com/o/r/cmd/x@v1.0.0-rc.1", []),
    (f"go install github.com/o/r/cmd/x@{H40}", []),
    ("go install -v -ldflags '-s -w' github.com/o/r/cmd/x@main", [(1, "HY112", "github.com/o/r/cmd/x")]),
    ("go install ./cmd/...", []),
    ("go install", []),
    ("go get github.com/o/r@v1.2.3", []),
    ("go get github.com/o/r", [(1, "HY112", "github.com/o/r")]),
    ("go get -u ./...", [(1, "HY112", None)]),
    ("go run github.com/o/r/cmd/x@latest -flag", [(1, "HY112", "github.com/o/r/cmd/x")]),
    ("go run github.com/o/r/cmd/x@v1.2.3 -flag", []),
    ("go run .", []),
    ("go build ./...", []),
    ("go mod download", []),
    # gem
    ("gem install bundler", [(1, "HY112", "bundler")]),
    ("gem install bundler -v 2.5.6", []),
    ("gem install bundler --version 2.5.6", []),
    ("gem install bundler:2.5.6", []),
    ("gem install rails -v '~> 7.0'", [(1, "HY112", "rails")]),
    ("gem install --no-document fpm", [(1, "HY112", "fpm")]),
    ("gem update --system", [(1, "HY112", None)]),
    ("bundle install", []),
    # cargo: an exact version and --locked
    ("cargo install ripgrep", [(1, "HY112", "ripgrep")]),
    ("cargo install ripgrep --version 14.1.0", [(1, "HY112", "ripgrep")]),
    ("cargo install ripgrep --version 14.1.0 --locked", []),
    ("cargo install ripgrep@14.1.0 --locked", []),
    ("cargo install --locked cargo-audit", [(1, "HY112", "cargo-audit")]),
    ("cargo +nightly install --locked --version 1.0.0 x", []),
    (f"cargo install --git https://github.com/o/r --rev {H40} --locked", []),
    (
        "cargo install --git https://github.com/o/r --tag v1 --locked",
        [(1, "HY112", "https://github.com/o/r")],
    ),
    ("cargo install --path . --locked", []),
    ("cargo install --path .", [(1, "HY112", None)]),
    ("cargo build --release", []),
]


@pytest.mark.parametrize(("text", "expected"), TOOL_CASES, ids=_ids(TOOL_CASES))
def test_language_tools(text, expected):
    assert run(text) == expected


# --------------------------------------------------------------------------------------------
# HY113: download-exec
# --------------------------------------------------------------------------------------------

X = "https://example.com/install.sh"

DOWNLOAD_CASES = [
    (f"curl -fsSL {X} | sh", [(1, "HY113", X)]),
    (f"curl -fsSL {X} | bash", [(1, "HY113", X)]),
    (f"curl -sSL {X} | sudo bash", [(1, "HY113", X)]),
    (f"curl -fsSL {X} | sudo -E bash -", [(1, "HY113", X)]),
    (f"wget -qO- {X} | sh", [(1, "HY113", X)]),
    (f"wget -O - {X} | sh", [(1, "HY113", X)]),
    (f"wget -nv -O- {X} | sh", [(1, "HY113", X)]),
    (f"curl {X} | python3", [(1, "HY113", X)]),
    (f"curl {X} | python -", [(1, "HY113", X)]),
    (f"curl {X} | perl", [(1, "HY113", X)]),
    (f"curl {X} | ruby", [(1, "HY113", X)]),
    (f"curl {X} | node", [(1, "HY113", X)]),
    (f"curl {X} | zsh", [(1, "HY113", X)]),
    (f"curl {X} | dash", [(1, "HY113", X)]),
    (f"curl {X} | ash", [(1, "HY113", X)]),
    (
        "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y",
        [(1, "HY113", "https://sh.rustup.rs")],
    ),
    (f"curl -fsSL {X} | bash -s -- --prefix=/opt", [(1, "HY113", X)]),
    (f"curl -fsSL {X} | gunzip | sh", [(1, "HY113", X)]),
    (f"curl -fsSL {X} | tee /tmp/log | sh", [(1, "HY113", X)]),
    (f"bash <(curl -s {X})", [(1, "HY113", X)]),
    (f'sh -c "$(curl -fsSL {X})"', [(1, "HY113", X)]),
    (f'bash -c "$(wget -qO- {X})"', [(1, "HY113", X)]),
    (f". <(curl -s {X})", [(1, "HY113", X)]),
    (f"source <(curl -s {X})", [(1, "HY113", X)]),
    (f'eval "$(curl -fsSL {X})"', [(1, "HY113", X)]),
    (f's=$(curl -fsSL {X}); eval "$s"', [(1, "HY113", X)]),
    (f'script=$(curl -fsSL {X})\necho "$script" | bash', [(1, "HY113", X)]),
    (f"bash < <(curl -s {X})", [(1, "HY113", X)]),
    (f"bash -c 'curl -fsSL {X} | sh'", [(1, "HY113", X)]),
    (f'curl -o i.sh {X}\nsh -c "$(cat i.sh)"', [(1, "HY113", X)]),
    (f's=$(curl -fsSL {X})\nbash -c "$(echo "$s")"', [(1, "HY113", X)]),
    (f'python3 -c "$(curl -fsSL {X})"', [(1, "HY113", X)]),
    (f"$(curl -fsSL {X})", [(1, "HY113", X)]),
    (f"curl -fsSL \\\n  {X} \\\n  | bash", [(1, "HY113", X)]),
    # Saved to a file, run later.
    (f"curl -o install.sh {X} && sh install.sh", [(1, "HY113", X)]),
    (f"curl -O {X} && bash install.sh", [(1, "HY113", X)]),
    (f"curl -fsSLo install.sh {X}\nchmod +x install.sh\n./install.sh", [(1, "HY113", X)]),
    (f"wget {X} && sh install.sh", [(1, "HY113", X)]),
    (f"wget -O /tmp/get.sh {X} && bash /tmp/get.sh", [(1, "HY113", X)]),
    (f"wget -P /tmp {X} && sh /tmp/install.sh", [(1, "HY113", X)]),
    (f"curl {X} > i.sh && sh i.sh", [(1, "HY113", X)]),
    (f"curl -sL {X} --output i.py && python3 i.py", [(1, "HY113", X)]),
    (f"curl -o env.sh {X} && . ./env.sh", [(1, "HY113", X)]),
    (f"fetch -o i.sh {X} && sh i.sh", [(1, "HY113", X)]),
    (f"cd /tmp && curl -o i.sh {X} && sh /tmp/i.sh", [(1, "HY113", X)]),
    (f"curl -o i.sh {X} && cat i.sh | sh", [(1, "HY113", X)]),
    (f"curl -o i.sh {X} && bash < i.sh", [(1, "HY113", X)]),
    (f"curl -o i.sh {X} && mv i.sh /usr/local/bin/tool && tool", [(1, "HY113", X)]),
    (
        f"curl -fsSL {X} -o /usr/local/bin/tool && chmod +x /usr/local/bin/tool && tool --version",
        [(1, "HY113", X)],
    ),
    (f"curl -fsSL {X} | sudo tee /usr/local/bin/tool >/dev/null && tool", [(1, "HY113", X)]),
    (f'tmp=$(mktemp)\ncurl -fsSL {X} -o "$tmp"\nsh "$tmp"', [(2, "HY113", X)]),
    # Immutable URLs.
    (f"curl -fsSL https://raw.githubusercontent.com/o/r/{H40}/install.sh | bash", []),
    (f"curl -fsSLO https://github.com/o/r/archive/{H40}.tar.gz", []),
    (f"curl -o i.sh https://raw.githubusercontent.com/o/r/{H40}/i.sh && sh i.sh", []),
    (
        "curl -fsSL https://raw.githubusercontent.com/o/r/v1.2.3/install.sh | bash",
        [(1, "HY113", "https://raw.githubusercontent.com/o/r/v1.2.3/install.sh")],
    ),
    # Verified between download and run.
    (f'curl -fsSLo i.sh {X} && echo "{H64}  i.sh" | sha256sum -c - && sh i.sh', []),
    (f"curl -o i.sh {X} && sha256sum --check i.sh.sha256 && sh i.sh", []),
    (f"curl -o i.sh {X} && shasum -a 256 -c i.sh.sha256 && sh i.sh", []),
    (f'curl -o i.sh {X}\nsha256sum -c <<< "{H64}  i.sh"\nsh i.sh', []),
    (f"curl -o i.sh {X} && curl -o i.sh.asc {X}.asc && gpg --verify i.sh.asc i.sh && sh i.sh", []),
    (f"curl -o i.sh {X} && cosign verify-blob --key k.pub --signature i.sh.sig i.sh && sh i.sh", []),
    (f"curl -o i.sh {X} && minisign -Vm i.sh -P KEY && sh i.sh", []),
    (f'curl -o i.sh {X} && [ "$(sha256sum i.sh | cut -d" " -f1)" = "$SUM" ] && sh i.sh', []),
    (f"curl -o i.sh {X} && sha256sum i.sh | grep -q {H64} && sh i.sh", []),
    (f"curl -o i.sh {X} && openssl dgst -sha256 -verify k.pem -signature i.sh.sig i.sh && sh i.sh", []),
    # Not verified: printing a digest, sha1, or checking after running.
    (f"curl -o i.sh {X} && sha256sum i.sh && sh i.sh", [(1, "HY113", X)]),
    (f"curl -o i.sh {X} && shasum -c sums && sh i.sh", [(1, "HY113", X)]),
    (f"curl -o i.sh {X} && md5sum -c sums && sh i.sh", [(1, "HY113", X)]),
    (f"curl -o i.sh {X} && sh i.sh && sha256sum -c sums", [(1, "HY113", X)]),
    # Downloads that are not run.
    (f"curl -fsSL {X}", []),
    (f"curl -fsSL {X} -o install.sh", []),
    (f"curl {X} | tee i.sh", []),
    (f"curl {X} | cat", []),
    (f"curl {X} | python3 script.py", []),
    ("curl -o data.json https://x/data.json && python process.py data.json", []),
    (f"curl -o i.sh {X} && sh other.sh", []),
    (f"curl -o i.sh {X}; (cd /tmp && sh i.sh)", []),
    ("curl --version", []),
]


@pytest.mark.parametrize(("text", "expected"), DOWNLOAD_CASES, ids=_ids(DOWNLOAD_CASES))
def test_download_exec(text, expected):
    assert run(text) == expected


def test_download_exec_spans_download_to_run():
    [f] = analyze(f"curl -fsSLo install.sh {X}\nchmod +x install.sh\n./install.sh", first_line=20)
    assert (f.line, f.end_line) == (20, 22)
    assert f.message == (
        f"`curl -fsSLo install.sh {X}` downloads `{X}` and `./install.sh` runs it without verifying a checksum "
        "or signature: pin the URL to a commit or check the file's SHA-256 before running it"
    )


def test_download_exec_pipe_message():
    [f] = analyze(f"curl -fsSL {X} | sudo -E bash -")
    assert f == CommandFinding(
        "HY113",
        f"`curl -fsSL {X} | sudo -E bash -` runs code downloaded from `{X}` without verifying it: download it "
        "to a file and check its SHA-256 (or pin the URL to a commit) before running it",
        1,
        1,
        X,
    )


def test_saved_download_is_reported_once():
    assert run(f"curl -o i.sh {X}\nsh i.sh\nsh i.sh") == [(1, "HY113", X)]


# --------------------------------------------------------------------------------------------
# HY114: OS packages
# --------------------------------------------------------------------------------------------

OS_CASES = [
    ("apt-get install -y curl", [(1, "HY114", "curl")]),
    ("apt-get install -y --no-install-recommends a b c", [(1, "HY114", "a")]),
    ("apt-get install -y curl=7.88.1-10+deb12u5", []),
    ("apt-get install -y curl=7.88.1-10 git", [(1, "HY114", "git")]),
    ("apt-get install -y 'curl=7.88.*'", [(1, "HY114", "curl=7.88.*")]),
    ("apt-get install -y curl/bookworm", [(1, "HY114", "curl/bookworm")]),
    ("apt-get install -y libc6:amd64=2.36-9", []),
    ("apt install -y curl", [(1, "HY114", "curl")]),
    ("aptitude install -y curl", [(1, "HY114", "curl")]),
    ("apt-get -y install curl", [(1, "HY114", "curl")]),
    ("apt-get -o Dpkg::Options::=--force-confold install -y curl", [(1, "HY114", "curl")]),
    ("apt-get -o Dpkg::Options::=--force-confold -y install curl", [(1, "HY114", "curl")]),
    ("apt-get install -y -t bookworm-backports curl", [(1, "HY114", "curl")]),
    ("DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata", [(1, "HY114", "tzdata")]),
    ("sudo apt-get install -y curl", [(1, "HY114", "curl")]),
    ("apt-get update && apt-get upgrade -y", []),
    ("apt-get dist-upgrade -y", []),
    ("apt-get install -y ./local.deb", []),
    ("apt-get install -y $PKGS", []),
    ("apt-get remove -y curl", []),
    ("apk add curl", [(1, "HY114", "curl")]),
    ("apk add --no-cache curl=8.5.0-r0", []),
    ("apk add --no-cache --virtual .build-deps gcc=13.2.1-r0 musl-dev", [(1, "HY114", "musl-dev")]),
    ("apk add -t .deps gcc", [(1, "HY114", "gcc")]),
    ("apk add 'curl>8'", [(1, "HY114", "curl>8")]),
    ("apk upgrade", []),
    ("apk update", []),
    ("dnf install -y curl", [(1, "HY114", "curl")]),
    ("dnf install -y curl-7.76.1-14.el9", []),
    ("dnf install -y curl-7.76.1", []),
    ("dnf install -y java-11-openjdk", [(1, "HY114", "java-11-openjdk")]),
    ("dnf install -y java-1.8.0-openjdk", [(1, "HY114", "java-1.8.0-openjdk")]),
    ("dnf install -y --setopt=tsflags=nodocs --enablerepo crb gcc", [(1, "HY114", "gcc")]),
    ("dnf group install -y 'Development Tools'", [(1, "HY114", "@Development Tools")]),
    ("dnf install -y ./local.rpm", []),
    ("dnf install -y https://x.org/epel-release-latest-9.noarch.rpm", []),
    ("dnf upgrade -y", []),
    ("dnf upgrade -y curl", [(1, "HY114", "curl")]),
    ("yum install -y httpd", [(1, "HY114", "httpd")]),
    ("yum update -y", []),
    ("microdnf install -y tar", [(1, "HY114", "tar")]),
    ("tdnf install -y tar", [(1, "HY114", "tar")]),
    ("zypper install -y curl", [(1, "HY114", "curl")]),
    ("zypper --non-interactive in curl=8.0.1", []),
    ("zypper in -y curl-8.0.1", []),
    ("zypper refresh", []),
    ("pacman -S --noconfirm curl", [(1, "HY114", "curl")]),
    ("pacman -Syu --noconfirm git", [(1, "HY114", "git")]),
    ("pacman -Syu --noconfirm", []),
    ("pacman -Ss curl", []),
    ("pacman -U ./pkg.tar.zst", []),
]


@pytest.mark.parametrize(("text", "expected"), OS_CASES, ids=_ids(OS_CASES))
def test_os_packages(text, expected):
    assert run(text) == expected


def test_os_message_lists_packages():
    [f] = analyze("apt-get install -y --no-install-recommends a b=1.0 c")
    assert f.message == (
        "`apt-get install -y --no-install-recommends a b=1.0 c` installs `a`, `c` without a version: "
        "pin each as `name=<version>`"
    )
    assert f.package == "a"


# --------------------------------------------------------------------------------------------
# Parsing: quoting, operators, nesting, prefixes, line numbers
# --------------------------------------------------------------------------------------------

PARSE_CASES = [
    # Comments and quotes.
    ("# pip install x\necho 'pip install y' # pip install z", []),
    ('echo "pip install x"', []),
    ("echo pip install x", []),
    ("pip install x # pip install y", [(1, "HY112", "x")]),
    ("pip install x#y", [(1, "HY112", "x")]),  # `#` inside a word is not a comment
    ("pip install 'x' \"y\" \\z", [(1, "HY112", "x")]),
    ("p\\ip install x", [(1, "HY112", "x")]),
    ('"pip" install x', [(1, "HY112", "x")]),
    # Operators.
    ("apt-get update && apt-get install -y curl && pip install x", [(1, "HY112", "x"), (1, "HY114", "curl")]),
    ("pip install x || true", [(1, "HY112", "x")]),
    ("true; pip install x; false", [(1, "HY112", "x")]),
    ("pip install x & npm i", [(1, "HY112", "x"), (1, "HY112", None)]),
    ("yes | apt-get install curl", [(1, "HY114", "curl")]),
    ("pip install x 2>&1 | tee log", [(1, "HY112", "x")]),
    ("pip install x > /dev/null 2>&1", [(1, "HY112", "x")]),
    ("pip install x &> log", [(1, "HY112", "x")]),
    ("pip install -q x >>log 2>>err", [(1, "HY112", "x")]),
    # Grouping and substitutions.
    ("(pip install x)", [(1, "HY112", "x")]),
    ("{ pip install x; }", [(1, "HY112", "x")]),
    ("v=$(pip install x)", [(1, "HY112", "x")]),
    ("echo `pip install x`", [(1, "HY112", "x")]),
    ('echo "$(pip install x)"', [(1, "HY112", "x")]),
    ("diff <(pip install x) y", [(1, "HY112", "x")]),
    ("echo $( (cd x; pip install y) )", [(1, "HY112", "y")]),
    ("echo $(echo $(echo $(npm i)))", [(1, "HY112", None)]),
    ("echo `echo \\`pip install x\\``", [(1, "HY112", "x")]),
    ("echo $((1 + 2)) && pip install x", [(1, "HY112", "x")]),
    ("echo ${X:-pip install y} && pip install x", [(1, "HY112", "x")]),
    ("echo $'pip install x'", []),
    ("arr=(curl wget)\npip install x", [(2, "HY112", "x")]),
    ("deps=(\n  requests\n  flask\n)\nnpm i", [(5, "HY112", None)]),
    # Prefixes.
    ("FOO=1 BAR=2 pip install x", [(1, "HY112", "x")]),
    ("sudo -E -u app pip install x", [(1, "HY112", "x")]),
    ("sudo -- pip install x", [(1, "HY112", "x")]),
    ("sudo -P -g staff pip install x", [(1, "HY112", "x")]),
    ('su --command="pip install x"', [(1, "HY112", "x")]),
    ("env -i PATH=/bin pip install x", [(1, "HY112", "x")]),
    ("env -u HOME pip install x", [(1, "HY112", "x")]),
    ("time pip install x", [(1, "HY112", "x")]),
    ("nohup pip install x &", [(1, "HY112", "x")]),
    ("exec pip install x", [(1, "HY112", "x")]),
    ("command pip install x", [(1, "HY112", "x")]),
    ("command -v pip", []),
    ("xargs pip install x < list.txt", [(1, "HY112", "x")]),
    ("cat list.txt | xargs -n 1 pip install", []),
    ("timeout 300 pip install x", [(1, "HY112", "x")]),
    ("nice -n 10 pip install x", [(1, "HY112", "x")]),
    ("gosu app pip install x", [(1, "HY112", "x")]),
    ("! pip install x", [(1, "HY112", "x")]),
    ("set -e\nset -o pipefail\npip install x", [(3, "HY112", "x")]),
    # Strings run as shell.
    ('eval "pip install x"', [(1, "HY112", "x")]),
    ("eval pip install x", [(1, "HY112", "x")]),
    ('bash -c "pip install x"', [(1, "HY112", "x")]),
    ("sh -c 'npm i'", [(1, "HY112", None)]),
    ("sh -ec 'pip install x'", [(1, "HY112", "x")]),
    ("bash -lc 'pip install x'", [(1, "HY112", "x")]),
    ("bash -o pipefail -c 'pip install x'", [(1, "HY112", "x")]),
    ("su -c 'pip install x' app", [(1, "HY112", "x")]),
    ("su app -c 'pip install x'", [(1, "HY112", "x")]),
    ("sudo su - app -c 'pip install x'", [(1, "HY112", "x")]),
    ("env -S 'pip install x'", [(1, "HY112", "x")]),
    ("bash <<< 'pip install x'", [(1, "HY112", "x")]),
    ("python -c 'pip install x'", []),
    ("bash script.sh", []),
    # Control flow: keywords separate commands.
    ("for i in 1 2; do\n  pip install x\ndone", [(2, "HY112", "x")]),
    ("for pkg in pip npm; do echo $pkg; done", []),
    ("if [ -f r.txt ]; then\n  pip install x\nelse\n  npm i\nfi", [(2, "HY112", "x"), (4, "HY112", None)]),
    ('while read p; do pip install "$p"; done < list', []),
    ("until pip install x; do sleep 1; done", [(1, "HY112", "x")]),
    (
        "case $x in\n  a) pip install a ;;\n  b|c) npm i ;;\n  *) ;;\nesac",
        [(2, "HY112", "a"), (3, "HY112", None)],
    ),
    ("case $x in (a) pip install a;; esac", [(1, "HY112", "a")]),
    ("install() {\n  pip install x\n}\ninstall", [(2, "HY112", "x")]),
    ("function setup {\n  npm install\n}", [(2, "HY112", None)]),
    ("if pip install x; then :; fi", [(1, "HY112", "x")]),
    ('[ -n "$CI" ] && pip install x', [(1, "HY112", "x")]),
    # Continuations, CRLF.
    ("pip install \\\n  requests \\\n  flask\nnpm ci", [(1, "HY112", "requests")]),
    ("pip install x\r\nnpm i\r\n", [(1, "HY112", "x"), (2, "HY112", None)]),
    ("pip \\\ninstall x", [(1, "HY112", "x")]),
    ("pip install \\\r\n  requests\r\nnpm i\r\n", [(1, "HY112", "requests"), (3, "HY112", None)]),
    ("cat <<\\EOF\npip install x\nEOF\nnpm i", [(4, "HY112", None)]),
    # Heredocs: data, unless a shell reads them.
    ("cat <<EOF > f\npip install x\nEOF\npip install y", [(4, "HY112", "y")]),
    ("cat <<'EOF'\npip install x\nEOF\nnpm i", [(4, "HY112", None)]),
    ("cat <<-EOF\n\tpip install x\n\tEOF\nnpm i", [(4, "HY112", None)]),
    ('cat <<"E O F"\npip install x\nE O F\nnpm i', [(4, "HY112", None)]),
    ("bash <<'EOF'\nset -e\npip install x\nEOF", [(3, "HY112", "x")]),
    ("sh <<EOF\npip install x\nEOF\nnpm ci", [(2, "HY112", "x")]),
    ("sudo bash -s <<EOF\n  apt-get install -y curl\nEOF", [(2, "HY114", "curl")]),
    ("python3 - <<EOF\npip install x\nEOF", []),
    ("cat <<A; bash <<B\npip install x\nA\npip install y\nB", [(4, "HY112", "y")]),
    ("cat <<EOF | sh\npip install x\nEOF", [(2, "HY112", "x")]),
    ("cat <<'EOF' | sudo bash -s\n\nnpm i\nEOF", [(3, "HY112", None)]),
    ("cat <<EOF | python3\npip install x\nEOF", []),
    ("cat <<EOF | tee f\npip install x\nEOF", []),
    ("echo 'pip install x' | bash", [(1, "HY112", "x")]),
    ("printf 'npm i\\n' | sh", [(1, "HY112", None)]),
    ("echo 'pip install x' | grep pip", []),
    ("echo $(cat <<EOF\npip install x\nEOF\n)\npip install y", [(5, "HY112", "y")]),
    # Not installers.
    ("docker run --rm img pip install x", []),
    ("git commit -m 'npm install'", []),
    ("echo npm i && make install", []),
    ("brew install jq", []),
    ("choco install jq", []),
    ("make pip", []),
    # Best effort on broken input.
    ("pip install 'x", [(1, "HY112", "x")]),
    ('pip install "x', [(1, "HY112", "x")]),
    ("(pip install x", [(1, "HY112", "x")]),
    ("pip install x )", [(1, "HY112", "x")]),
    ("echo $(pip install x", [(1, "HY112", "x")]),
    ("echo `pip install x", [(1, "HY112", "x")]),
    ("cat <<EOF\npip install x", []),
    ("pip install x\\", [(1, "HY112", "x")]),
    ("fi done esac ;; ) } pip install x", [(1, "HY112", "x")]),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES, ids=_ids(PARSE_CASES))
def test_parsing(text, expected):
    assert run(text) == expected


@pytest.mark.parametrize(
    ("text", "first_line", "expected"),
    [
        ("echo hi\npip install x", 10, [(11, 11, "HY112")]),
        ("pip install \\\n  requests \\\n  flask", 10, [(10, 12, "HY112")]),
        ("cat <<EOF\na\nb\nEOF\n\nnpm i", 5, [(10, 10, "HY112")]),
        ("bash <<'EOF'\n\npip install \\\n  x\nEOF", 100, [(102, 103, "HY112")]),
        ("bash -c '\n  pip install x\n'", 7, [(7, 9, "HY112")]),
        ('echo "$(\n  pip install x\n)"', 3, [(4, 4, "HY112")]),
        ("echo `\n\npip install x`", 1, [(3, 3, "HY112")]),
        ("x='multi\nline'\npip install y", 1, [(3, 3, "HY112")]),
        ('x="multi\nline"\npip install y', 1, [(3, 3, "HY112")]),
        ("echo ${X:-\n}\npip install y", 1, [(3, 3, "HY112")]),
        (f"curl -fsSL {X} \\\n  | sh", 30, [(30, 31, "HY113")]),
        (f"curl -o i.sh {X}\n\n\nsh i.sh", 2, [(2, 5, "HY113")]),
        ("apt-get install -y \\\n    curl \\\n    git", 4, [(4, 6, "HY114")]),
    ],
)
def test_line_numbers(text, first_line, expected):
    found = [(f.line, f.end_line, f.rule) for f in analyze(text, first_line=first_line)]
    assert found == expected


def test_findings_sorted_by_line_then_rule_and_deduplicated():
    text = "apt-get install -y curl && pip install x\npip install y; pip install y\nnpm i"
    assert run(text) == [(1, "HY112", "x"), (1, "HY114", "curl"), (2, "HY112", "y"), (3, "HY112", None)]


# --------------------------------------------------------------------------------------------
# The requirements callback and `cd`
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        ("pip install -r r.txt", [("r.txt", None)]),
        ("cd app && pip install -r requirements.txt", [("requirements.txt", "app")]),
        ("cd app\ncd sub\npip install -r r.txt", [("r.txt", "app/sub")]),
        ("cd /srv/app && pip install -r r.txt", [("r.txt", "/srv/app")]),
        ("cd app && cd .. && pip install -r r.txt", [("r.txt", ".")]),
        ("cd ./app/ && pip install -r ../r.txt", [("../r.txt", "app")]),
        ('cd "$GITHUB_WORKSPACE/app" && pip install -r r.txt', [("r.txt", "$GITHUB_WORKSPACE/app")]),
        ("(cd app && pip install -r r.txt)\npip install -r r.txt", [("r.txt", "app"), ("r.txt", None)]),
        ("echo $(cd x && pip install -r r.txt); pip install -r r.txt", [("r.txt", "x"), ("r.txt", None)]),
        ("{ cd app; pip install -r r.txt; }; pip install -r r.txt", [("r.txt", "app"), ("r.txt", "app")]),
        (
            "pushd app && pip install -r r.txt && popd && pip install -r r.txt",
            [("r.txt", "app"), ("r.txt", None)],
        ),
        ("cd app && cd - && pip install -r r.txt", [("r.txt", None)]),
        ("cd app; sh -c 'pip install -r r.txt'", [("r.txt", "app")]),
        (
            "cd app; bash <<EOF\ncd sub\npip install -r r.txt\nEOF\npip install -r r.txt",
            [("r.txt", "app/sub"), ("r.txt", "app")],
        ),
        ("cd app && pip install -r a.txt -r b.txt", [("a.txt", "app"), ("b.txt", "app")]),
        ("pip install -c c.txt -r r.txt", [("r.txt", None)]),
        ("pip install -r https://x.org/r.txt", []),
        ("uv pip sync requirements.txt", [("requirements.txt", None)]),
        ("python -m pip install requests", []),
    ],
)
def test_callback_receives_path_and_cwd(text, calls):
    assert calls_of(text) == calls


# --------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------


def test_pip_message():
    [f] = analyze("pip install requests")
    assert f == CommandFinding(
        "HY112",
        "`pip install requests` installs `requests` without a version and hash: pin every requirement with "
        "`==` and `--hash` in a requirements file and install it with `pip install --require-hashes -r FILE`",
        1,
        1,
        "requests",
    )


def test_pip_message_lists_every_problem():
    [f] = analyze(
        "pip install -r dev.txt -r remote.txt requests flask==2.0 .",
        requirements_hashed=lambda p, c: {"dev.txt": False}.get(p),
    )
    assert f.message == (
        "`pip install -r dev.txt -r remote.txt requests flask==2.0 .` installs `requests` without a version "
        "and hash; installs `flask==2.0` without a hash; installs the dependencies of `.` without versions "
        "and hashes (no `--no-deps`); installs `dev.txt`, which is not fully hashed; installs `remote.txt`, "
        "which could not be checked for hashes: pin every requirement with `==` and `--hash` in a "
        "requirements file and install it with `pip install --require-hashes -r FILE`"
    )
    assert f.package == "requests"


def test_message_names_the_command_on_one_line_and_trims_it():
    [f] = analyze("pip install \\\n    requests \\\n    flask")
    assert f.message.startswith("`pip install requests flask` installs `requests`, `flask` without")
    long = "pip install " + " ".join(f"package{i}" for i in range(40))
    [f] = analyze(long)
    quoted = f.message.split("`")[1]
    assert len(quoted) == 120 and quoted.endswith("…") and quoted.startswith("pip install package0 package1")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("npm install", "use `npm ci`"),
        ("yarn install", "`--frozen-lockfile` (Yarn 1) or `--immutable` (Yarn 2+)"),
        ("pnpm install", "add `--frozen-lockfile`"),
        ("go install example.com/x@latest", "without an exact version"),
        ("gem install rails", "add `-v VERSION`"),
        ("cargo install x --version 1.0.0", "without `--locked`"),
        ("pipx install black", "pin it with `==`"),
        ("npx cowsay", "`npx --no-install`"),
        ("pacman -S curl", "pacman installs whatever version the repository has now"),
        ("dnf install curl", "pin each as `name-<version>`"),
    ],
)
def test_messages_say_what_to_do(text, fragment):
    [f] = analyze(text)
    assert fragment in f.message
    assert f.message.startswith(f"`{text}` ")


# --------------------------------------------------------------------------------------------
# Robustness: never crash, bounded work
# --------------------------------------------------------------------------------------------

_FUZZ_PIECES = list("abcxyz pinstal-=\"'\\$`(){};|&<>\n\t#*.?/~0129!") + [
    "pip install ",
    "curl -o f https://x/y ",
    "sh f",
    " | sh",
    "<<EOF\n",
    "\nEOF\n",
    "<<-'X'\n",
    "$(",
    "${",
    "$((",
    "`",
    "bash -c '",
    'eval "',
    "apt-get install ",
    "cd ",
    "-r ",
    "<(",
    ")",
    "case ",
    " in ",
    "esac",
    "for ",
    " do ",
    "done",
    "if ",
    "then ",
    "fi",
    "sudo ",
    "env ",
    "npm i ",
    "go install ",
    "a@latest ",
    "sha256sum -c ",
    "\\\n",
    "\r\n",
    "$'",
    "2>&1",
    ">",
    "<<<",
    "\x00",
    "é",
    "\u202e",
]


def test_fuzz_never_raises():
    rng = random.Random(20240611)
    start = time.perf_counter()
    for _ in range(2000):
        text = "".join(rng.choice(_FUZZ_PIECES) for _ in range(rng.randint(0, 60)))
        result = analyze(
            text,
            first_line=rng.randint(1, 50),
            requirements_hashed=lambda p, c: rng.choice([True, False, None]),
        )
        assert isinstance(result, list)
        for f in result:
            assert f.rule in ("HY112", "HY113", "HY114")
            assert f.line <= f.end_line
            assert f.message.startswith("`")
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\\",
        "'",
        '"',
        "`",
        "$",
        "$(",
        "${",
        "$((",
        "$'",
        "<<",
        "<<EOF",
        "<<EOF\n",
        "<(",
        "| | |",
        ";;",
        ")))",
        "(((",
        "}}}",
        "case",
        "esac",
        "for",
        "for x in",
        "function",
        "f()",
        "2>",
        ">&",
        "&>",
        "\x00\x01\x02",
        "\r\r\r",
        "pip",
        "pip install -r",
        "pip install -e",
        "curl -o",
        "wget -O",
        "sh -c",
        "bash <",
        "eval",
        "cd",
        "popd",
        "sudo",
        "env -S",
        "apt-get",
        "pacman -S",
        "go",
        "cargo install --git",
        "sha256sum -c",
    ],
)
def test_degenerate_inputs(text):
    assert isinstance(analyze(text), list)


def _timed(text, limit=3.0):
    start = time.perf_counter()
    result = analyze(text)
    assert time.perf_counter() - start < limit
    return result


def test_deeply_nested_command_substitution():
    assert [(f.line, f.rule) for f in _timed("echo " + "$(" * 10_000 + "pip install x" + ")" * 10_000)] == [
        (1, "HY112")
    ]
    assert _timed("echo $(" * 10_000) == []


def test_deeply_nested_subshells_and_groups():
    assert [(f.line, f.rule) for f in _timed("(" * 10_000 + "pip install x" + ")" * 10_000)] == [(1, "HY112")]
    assert isinstance(_timed("{ " * 10_000 + "pip install x"), list)
    assert isinstance(_timed("<(" * 10_000), list)
    assert isinstance(_timed('"$(' * 5_000), list)


def test_nested_strings_are_capped():
    assert isinstance(_timed("eval " * 20_000 + "pip install x"), list)
    assert isinstance(_timed('bash -c "' * 5_000 + "pip install x"), list)
    deep = "pip install x"
    for _ in range(6):
        deep = "bash -c " + "'" + deep.replace("'", "'\\''") + "'"
    assert run(deep) == [(1, "HY112", "x")]


def test_one_megabyte_script_is_fast():
    block = (
        "set -eux\n"
        "cd app && pip install -r requirements.txt\n"
        "curl -fsSL https://example.com/x.sh | sh\n"
        "apt-get install -y --no-install-recommends curl git  # tools\n"
        'echo "$(date)" > /tmp/stamp\n'
        "if [ -f package.json ]; then npm ci; fi\n"
    )
    text = block * (1_000_000 // len(block) + 1)
    findings = _timed(text)
    assert len(findings) == 3 * (1_000_000 // len(block) + 1)


def test_one_megabyte_of_noise_is_fast():
    assert _timed("a" * 1_000_000) == []
    assert _timed("'" + "x" * 1_000_000) == []
    assert _timed("$((" * 300_000) == []
    assert _timed("cat <<A <<B\n" * 80_000) == []
    assert _timed("curl x |" * 40_000) == []


# Exact messages of the JavaScript package managers: what is fetched or updated, named.
_REMEDY = "without the lockfile's integrity check: declare dependencies in package.json and install with"


@pytest.mark.parametrize(
    ("text", "message", "package"),
    [
        ("pnpm update", f"`pnpm update` updates dependencies {_REMEDY} `pnpm install --frozen-lockfile`", None),
        ("pnpm add react vue", f"`pnpm add react vue` installs `react`, `vue` {_REMEDY} `pnpm install --frozen-lockfile`", "react"),
        # dlx: only the tool is a package; what follows are its arguments
        ("pnpm dlx cowsay hello", f"`pnpm dlx cowsay hello` runs `cowsay` {_REMEDY} `pnpm install --frozen-lockfile`", "cowsay"),
        ("pnpm install-test react", None, None),  # install-test takes no packages: nothing installed by name
        ("bun update", f"`bun update` updates dependencies {_REMEDY} `bun install --frozen-lockfile`", None),
        ("bun x cowsay hello", f"`bun x cowsay hello` runs `cowsay` {_REMEDY} `bun install --frozen-lockfile`", "cowsay"),
        ("bun install", "`bun install` may resolve dependencies anew instead of installing the lockfile: add "
                        "`--frozen-lockfile` (or use `bun ci`)", None),
        ("yarn upgrade", f"`yarn upgrade` installs packages {_REMEDY} `yarn install --frozen-lockfile` (or `--immutable`)", None),
        ("pnpx cowsay", "`pnpx cowsay` runs `cowsay` fetched without a lockfile or integrity check: add it to "
                        "package.json and run it after `pnpm install --frozen-lockfile`", "cowsay"),
        ("npm create vite", "`npm create vite` runs `create-vite` fetched without a lockfile or integrity check: "
                            "add it to package.json, install with `npm ci` and run it with `npx --no-install`", "create-vite"),
    ],
)
def test_javascript_package_manager_messages(text, message, package):
    found = analyze(text)
    if message is None:
        assert found == []
        return
    [f] = found
    assert (f.rule, f.message, f.package) == ("HY112", message, package)
