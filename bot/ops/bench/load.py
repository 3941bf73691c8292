"""An asyncio client that talks to the Rasa REST channel as many customers at once.

Each turn is timed from sending the message to having the whole reply (the REST channel
answers once every action of the turn has run). A turn fails on an HTTP error, a timeout,
an empty reply, or a missing button the script meant to press.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp

from bot.core.errors import UserError
from bot.ops.bench.workload import OFFERED_BUTTON, Step

REQUEST_TIMEOUT_S = 60


@dataclass(frozen=True)
class Turn:
    seconds: float
    messages: list[dict]
    error: str | None = None

    def offered_payload(self) -> str | None:
        """The payload of the last button in the reply, if any."""
        buttons = [button for message in self.messages for button in message.get("buttons") or ()]
        return buttons[-1]["payload"] if buttons else None


class RestChat:
    def __init__(self, session: aiohttp.ClientSession, rasa_url: str):
        self._session = session
        self._url = f"{rasa_url}/webhooks/rest/webhook"

    async def say(self, sender: str, message: str) -> Turn:
        started = time.perf_counter()
        try:
            async with self._session.post(self._url, json={"sender": sender, "message": message}) as response:
                if response.status != 200:
                    return Turn(time.perf_counter() - started, [], f"HTTP {response.status}")
                messages = await response.json()
        except asyncio.TimeoutError:
            return Turn(time.perf_counter() - started, [], "timeout")
        except aiohttp.ClientError as error:
            return Turn(time.perf_counter() - started, [], type(error).__name__)
        return Turn(time.perf_counter() - started, messages, None if messages else "empty reply")


async def converse(chat: RestChat, sender: str, script: Sequence[Step]) -> list[Turn]:
    turns: list[Turn] = []
    for step in script:
        if step is OFFERED_BUTTON:
            payload = turns[-1].offered_payload() if turns else None
            if payload is None:
                turns.append(Turn(0.0, [], "no button offered"))
                continue
            step = payload
        turns.append(await chat.say(sender, step))
    return turns


def percentiles_ms(seconds: Sequence[float]) -> dict[str, float]:
    if len(seconds) < 2:
        raise UserError(f"only {len(seconds)} successful replies: too few to measure; see the server logs")
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 2), "p95_ms": round(cuts[94], 2), "p99_ms": round(cuts[98], 2)}


@dataclass
class LoadResult:
    turns: list[Turn] = field(default_factory=list)
    elapsed_s: float = 0.0

    def summary(self) -> dict:
        answered = [turn.seconds for turn in self.turns if turn.error is None]
        errors = Counter(turn.error for turn in self.turns if turn.error is not None)
        return {
            **percentiles_ms(answered),
            "replies": len(answered),
            "replies_per_s": round(len(answered) / self.elapsed_s, 2),
            "errors": sum(errors.values()),
            "error_kinds": dict(errors),
        }


async def run_conversations(
    rasa_url: str, scripts: Sequence[Sequence[Step]], concurrency: int, sender_prefix: str
) -> LoadResult:
    """Plays every script, `concurrency` conversations at a time, each with its own sender id."""
    result = LoadResult()
    pending = iter(enumerate(scripts))  # shared: each customer takes the next script when done

    async def customer(chat: RestChat) -> None:
        for index, script in pending:
            result.turns.extend(await converse(chat, f"{sender_prefix}-{index}", script))

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        chat = RestChat(session, rasa_url)
        started = time.perf_counter()
        await asyncio.gather(*(customer(chat) for _ in range(concurrency)))
        result.elapsed_s = time.perf_counter() - started
    return result
