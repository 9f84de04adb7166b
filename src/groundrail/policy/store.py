"""The live policy set: selection per request, atomic hot reload from a watched directory."""

from __future__ import annotations

import asyncio
import fnmatch
import logging
from pathlib import Path

from groundrail.observe import metrics
from groundrail.openai.errors import GatewayError
from groundrail.policy.loader import DEFAULT_POLICY, LoadedPolicy, PolicyError, load, policy_files

log = logging.getLogger("groundrail.policy")
MATCH_CACHE = 10_000  # distinct (tenant, model, path) selections remembered per snapshot


class PolicyStore:
    """Holds one immutable snapshot of the policies. A reload builds and validates a whole new
    snapshot before swapping it in; a request keeps the policy object it started with."""

    def __init__(self, directory: Path | None, policies: dict[str, LoadedPolicy]) -> None:
        self.directory = directory
        self.policies = policies
        # (tenant, model, path) -> the policy `match` picks, for the snapshot in force
        self._matched: dict[tuple[str | None, str | None, str], LoadedPolicy] = {}
        self._signature = self._scan()
        self._publish()

    @classmethod
    def open(cls, directory: Path | None, required: bool = False) -> PolicyStore:
        """Load at start-up: a broken set fails start-up (PolicyError), and so does a
        `required` directory (one the user named) that does not exist. A missing default
        directory means the built-in default policy. Logs which policies are in force."""
        if required and directory is not None and not directory.is_dir():
            raise PolicyError(
                [
                    f"{directory}: no such policy directory ({directory.resolve()}); "
                    "name an existing one with --policies, GROUNDRAIL_POLICIES or `policies:` "
                    "in the config file"
                ]
            )
        paths = [directory] if directory is not None and directory.exists() else []
        store = cls(directory, load(paths))
        log.info(
            "policies loaded",
            extra={
                "directory": str(directory) if paths else None,
                "policies": sorted(p.label for p in store.policies.values()),
            },
        )
        return store

    def select(
        self,
        header: str | None,
        requested: str | None,
        tenant: str | None,
        model: str | None,
        path: str,
    ) -> LoadedPolicy:
        """Header, then the body's groundrail.policy, then match (keys, then model, then
        path; the policy matching on more of them wins a tie), then `default`."""
        policies = self.policies
        for name in (header, requested):
            if name:
                if name not in policies:
                    known = ", ".join(sorted(policies))
                    raise GatewayError(
                        400,
                        "groundrail_unknown_policy",
                        f"No policy named {name!r}; known policies: {known}.",
                        "groundrail.policy",
                    )
                return policies[name]
        key = (tenant, model, path)
        if key in self._matched:
            return self._matched[key]
        best: tuple[tuple[int, int, int], LoadedPolicy] | None = None
        for policy in policies.values():
            m = policy.policy.match
            hits = (
                _matches(m.keys, tenant),
                _matches(m.models, model),
                _matches(m.paths, path),
            )
            if -1 in hits or not any(hits):
                continue
            if best is None or hits > best[0]:
                best = (hits, policy)
        chosen = best[1] if best is not None else policies[DEFAULT_POLICY]
        if len(self._matched) >= MATCH_CACHE:
            self._matched.clear()
        self._matched[key] = chosen
        return chosen

    async def reload(self) -> bool:
        """Load the directory again; keep the old set if the new one is invalid."""
        paths = [self.directory] if self.directory is not None and self.directory.exists() else []
        try:
            fresh = await asyncio.to_thread(load, paths)
        except PolicyError as exc:
            metrics.POLICY_RELOADS.labels("failed").inc()
            log.error(
                "policy reload refused; keeping the loaded set", extra={"errors": exc.problems}
            )
            return False
        self.policies = fresh  # one reference swap: a request sees the old or the new set
        self._matched = {}
        metrics.POLICY_RELOADS.labels("ok").inc()
        self._publish()
        log.info("policies reloaded", extra={"policies": sorted(p.label for p in fresh.values())})
        return True

    async def watch(self, interval: float = 1.0) -> None:
        """Poll the directory (a Kubernetes ConfigMap swaps a symlink, which inotify on the
        files would miss); reload once a change has been stable for one interval."""
        pending: tuple[tuple[str, float, int], ...] | None = None
        while True:
            await asyncio.sleep(interval)
            signature = await asyncio.to_thread(self._scan)
            if signature == self._signature:
                pending = None
            elif signature != pending:
                pending = signature  # changed: wait one more interval for writes to settle
            else:
                self._signature = signature
                pending = None
                await self.reload()

    def _scan(self) -> tuple[tuple[str, float, int], ...]:
        if self.directory is None or not self.directory.exists():
            return ()
        out = []
        for file in policy_files([self.directory]):
            try:
                stat = file.stat()  # follows symlinks: a swapped ConfigMap changes mtime/size
            except OSError:
                continue
            out.append((str(file.resolve()), stat.st_mtime, stat.st_size))
        return tuple(out)

    def _publish(self) -> None:
        metrics.POLICIES_LOADED.clear()
        for policy in self.policies.values():
            metrics.POLICIES_LOADED.labels(policy.name, policy.hash[:8]).set(1)


def _matches(patterns: list[str], value: str | None) -> int:
    """1 when a pattern matches, 0 when there are no patterns, -1 when none matches."""
    if not patterns:
        return 0
    if value is not None and any(fnmatch.fnmatchcase(value, p) for p in patterns):
        return 1
    return -1
