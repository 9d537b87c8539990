"""A TUF repository minted for the tests, the shape of sigstore's (consistent snapshots, one
`trusted_root.json` target), signed with keys made at test time through python-tuf's metadata
API, and served by pytest-httpserver."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import Metadata, MetaFile, Root, Snapshot, TargetFile, Targets, Timestamp

ROLES = ("root", "timestamp", "snapshot", "targets")


class TufRepo:
    def __init__(self, trusted_root: bytes) -> None:
        self.signers = {role: CryptoSigner.generate_ecdsa() for role in ROLES}
        self.expires = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
        root = Root(expires=self.expires, consistent_snapshot=True)
        for role, signer in self.signers.items():
            root.add_key(signer.public_key, role)
        self.roots = [self._signed(root, [self.signers["root"]])]
        self.version = 0
        self.files: dict[str, bytes] = {}
        self.publish(trusted_root)

    @staticmethod
    def _signed(signed, signers) -> bytes:
        metadata = Metadata(signed)
        for signer in signers:
            metadata.sign(signer, append=True)
        return metadata.to_bytes()

    def initial_root(self) -> bytes:
        return self.roots[0]

    def publish(self, trusted_root: bytes, *, timestamp_expires: datetime | None = None) -> None:
        """A new version of targets, snapshot and timestamp, listing `trusted_root`."""
        self.version += 1
        v = self.version
        targets = Targets(version=v, expires=self.expires)
        targets.targets["trusted_root.json"] = TargetFile.from_data("trusted_root.json", trusted_root, ["sha256"])
        snapshot = Snapshot(version=v, expires=self.expires, meta={"targets.json": MetaFile(version=v)})
        timestamp = Timestamp(version=v, expires=timestamp_expires or self.expires, snapshot_meta=MetaFile(version=v))
        self.files[f"{v}.targets.json"] = self._signed(targets, [self.signers["targets"]])
        self.files[f"{v}.snapshot.json"] = self._signed(snapshot, [self.signers["snapshot"]])
        self.files["timestamp.json"] = self._signed(timestamp, [self.signers["timestamp"]])
        self.files[f"targets/{hashlib.sha256(trusted_root).hexdigest()}.trusted_root.json"] = trusted_root

    def rotate_timestamp_key(self) -> None:
        """Root version N+1, signed by the old and the new root key, with a new timestamp key:
        a client that walks the root chain accepts the next timestamp, one that does not, not."""
        old = self.signers["root"]
        self.signers["root"] = CryptoSigner.generate_ecdsa()
        self.signers["timestamp"] = CryptoSigner.generate_ecdsa()
        root = Root(version=len(self.roots) + 1, expires=self.expires, consistent_snapshot=True)
        for role, signer in self.signers.items():
            root.add_key(signer.public_key, role)
        self.roots.append(self._signed(root, [old, self.signers["root"]]))

    def serve(self, server, prefix: str = "/tuf") -> str:
        server.no_handler_status_code = 404  # TUF asks for N+1.root.json until it is not found
        for version, data in enumerate(self.roots, start=1):
            server.expect_request(f"{prefix}/{version}.root.json").respond_with_data(data)
        for path, data in self.files.items():
            server.expect_request(f"{prefix}/{path}").respond_with_data(data)
        return server.url_for(prefix)
