"""feint.raypool: parts spread over Ray actors, each part's result taken once,
retried when a worker dies; and the clear errors of --ray."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.raytest import local_ray

from feint.cli.options import fill_bare_options, ray_options
from feint.errors import ModelNotFoundError, RayUnavailableError, UsageError
from feint.raypool import DIE_ONCE_ENV, ActorPool, RayOptions, Worker, connect, import_ray, split


class Doubler(Worker):
    """A worker with no model: doubles numbers, or fails as a model would."""

    def __init__(self, factor: int) -> None:
        self.factor = factor

    def double(self, part: list[int]) -> list[int]:
        return [self.factor * x for x in part]

    def fail(self, _: Any) -> None:
        raise ModelNotFoundError("no model here: give one with --model")


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[Any]:
    with local_ray() as ray:
        # The workers unpickle Doubler by value: this module is not on their path.
        ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
        yield ray


PARTS = [[n, n + 1] for n in range(0, 20, 2)]


def test_split_cuts_into_near_equal_contiguous_slices() -> None:
    assert split(list(range(7)), 3) == [[0, 1, 2], [3, 4], [5, 6]]
    assert split([1], 4) == [[1]]
    assert split([], 2) == [[]]


@pytest.mark.parametrize(
    ("argv", "filled"),
    [
        (["extract", "--ray"], ["extract", "--ray", "local"]),
        (["extract", "--ray", "--db", "x"], ["extract", "--ray", "local", "--db", "x"]),
        (["extract", "--ray", "head:6379"], ["extract", "--ray", "head:6379"]),
        (["extract", "--ray=head:6379"], ["extract", "--ray=head:6379"]),
        (["query", "--", "--ray"], ["query", "--", "--ray"]),
    ],
)
def test_ray_alone_means_a_local_runtime(argv: list[str], filled: list[str]) -> None:
    assert fill_bare_options(argv) == filled


def test_ray_options_from_the_flags() -> None:
    assert ray_options(None, None) is None
    assert ray_options("local", 2) == RayOptions(None, 2)
    with socket.create_server(("127.0.0.1", 0)) as head:  # something answers there
        address = f"127.0.0.1:{head.getsockname()[1]}"
        assert ray_options(address, None) == RayOptions(address, None)
    with pytest.raises(UsageError, match="--ray-actors needs --ray"):
        ray_options(None, 2)
    with pytest.raises(RayUnavailableError, match="Nothing answers"):
        ray_options("127.0.0.1:1", None)  # before any work, not when the first part goes


def test_an_address_where_nothing_answers_fails_at_once_and_says_so() -> None:
    import ray

    assert not ray.is_initialized()  # a joined runtime would be kept, not checked
    with pytest.raises(RayUnavailableError, match="Nothing answers"):
        connect("127.0.0.1:1")
    with pytest.raises(RayUnavailableError, match="not a Ray address"):
        connect("head-node")


def test_ray_not_installed_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    with pytest.raises(RayUnavailableError, match="pip install"):
        import_ray()


@pytest.mark.slow  # a Ray runtime
def test_every_part_comes_back_once_in_order(ray_runtime: Any) -> None:
    done: list[tuple[int, int]] = []
    with ActorPool(Doubler, (3,), RayOptions(actors=2)) as pool:
        out = pool.map_ordered("double", PARTS)
        assert len(pool.actors) == 2
        assert sorted(i for i, _ in pool.map("double", PARTS, lambda d, t: done.append((d, t))))
    assert out == [[3 * x for x in part] for part in PARTS]
    assert done[-1] == (len(PARTS), len(PARTS))


@pytest.mark.slow  # a Ray runtime
def test_a_worker_that_dies_mid_part_is_restarted_and_the_part_run_again(
    ray_runtime: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "died"
    monkeypatch.setenv(DIE_ONCE_ENV, f"3:{marker}")
    with ActorPool(Doubler, (2,), RayOptions(actors=2)) as pool:
        got = list(pool.map("double", PARTS))
        assert pool.replaced == 0  # Ray restarted the actor and retried the part
    assert marker.exists()  # the first try of part 3 did die
    assert sorted(i for i, _ in got) == list(range(len(PARTS)))  # each part once
    assert dict(got)[3] == [12, 14]


@pytest.mark.slow  # a Ray runtime
def test_an_actor_gone_for_good_is_replaced_and_its_parts_sent_again(ray_runtime: Any) -> None:
    with ActorPool(Doubler, (1,), RayOptions(actors=2)) as pool:
        dead = pool.start()[0]
        ray_runtime.kill(dead, no_restart=True)
        assert pool.map_ordered("double", PARTS) == PARTS
        assert pool.replaced == 1 and dead not in pool.actors


@pytest.mark.slow  # a Ray runtime
def test_feints_own_error_in_a_worker_comes_back_as_it_was(ray_runtime: Any) -> None:
    with (
        ActorPool(Doubler, (1,), RayOptions(actors=1)) as pool,
        pytest.raises(ModelNotFoundError, match="give one with --model"),
    ):
        pool.call("fail")
