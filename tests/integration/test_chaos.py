"""`make chaos` in short (bench/chaos.py): signups and approvals through `up-distributed`'s stack while a
notify replica and a forum replica are SIGKILLed and started again, a NATS node is restarted and the whole
cluster is stopped for 5 s. Nothing is oversold, lost or applied twice; every email arrives, and a
second copy only ever carries the same Message-ID; forum, notify and the console agree."""

from __future__ import annotations

import pytest

from bench import chaos
from kakawari.distributed import nginx_binary

pytestmark = pytest.mark.skipif(
    nginx_binary() is None,
    reason="nginx is missing and could not be installed (`make test` installs Debian's nginx as root, with apt-get)")


@pytest.mark.timeout(240)
def test_chaos_loses_nothing_and_applies_nothing_twice() -> None:
    args = chaos.parser().parse_args(["--signups", "200", "--approvals", "200", "--duration", "25",
                                      "--nats-stop-s", "5", "--settle-timeout", "90"])
    result = chaos.run(args)
    actions = [k["target"] for k in result["kills"]]
    assert actions == ["notify-1", "forum-1", "nats-2", "nats-1,nats-2,nats-3"], result["kills"]
    failed = {check for check, held in chaos.musts(result).items() if not held}
    assert not failed, (failed, {k: v for k, v in result.items() if k != "event_ids"})
    assert result["signups_sent"] == 200 and result["approvals"] == 200
    assert result["emails_expected"] == 200 + 3 * 200
