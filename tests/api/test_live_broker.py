"""The in-process broker: bounded feeds, slow subscribers dropped, merged signals, resync."""

from __future__ import annotations

import asyncio

import pytest

from api.live import CHANGED, RESYNC, Broker, SubscriberDropped
from domain.kernel.errors import Unavailable


class TestPublishing:
    async def test_a_signal_reaches_every_feed_of_its_topic_and_no_other(self) -> None:
        broker = Broker()
        with broker.subscribe("a") as a1, broker.subscribe("a") as a2, broker.subscribe("b") as b:
            assert broker.publish("a") == 2
            assert await a1.next() == CHANGED
            assert await a2.next() == CHANGED
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.05):
                    await b.next()

    async def test_signals_waiting_together_make_one_read_and_resync_wins(self) -> None:
        broker = Broker()
        with broker.subscribe("a") as feed:
            broker.publish("a")
            broker.resync_all()
            broker.publish("a")
            assert await feed.next() == RESYNC
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.05):
                    await feed.next()

    def test_leaving_the_block_unsubscribes(self) -> None:
        broker = Broker()
        with broker.subscribe("a"):
            assert broker.subscribers == 1
        assert broker.subscribers == 0
        assert broker.publish("a") == 0


class TestBoundedMemory:
    async def test_a_subscriber_that_lets_its_queue_fill_is_dropped(self) -> None:
        broker = Broker(queue_size=3)
        with broker.subscribe("a") as slow, broker.subscribe("a") as keeping_up:
            for _ in range(3):
                broker.publish("a")
                await keeping_up.next()
            assert broker.publish("a") == 1  # the slow one is full: dropped
            assert broker.dropped == 1
            with pytest.raises(SubscriberDropped):
                await slow.next()
            assert broker.publish("a") == 1

    def test_a_full_process_refuses_more_subscribers(self) -> None:
        broker = Broker(max_subscribers=1)
        with broker.subscribe("a"), pytest.raises(Unavailable), broker.subscribe("b"):
            pass
