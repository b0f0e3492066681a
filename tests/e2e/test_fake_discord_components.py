"""Message components on the Discord stand-in: stored with the bot's messages, clicks reaching a later bot
session (persistent views), and Discord's limits on custom ids, rows and widths."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.playground.fake_discord import FakeDiscord, running
from tests.fakes.minibot import MiniBot


class Keep(discord.ui.View):
    """A persistent view: no timeout and a fixed custom_id, so any later session can handle its clicks."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Keep", custom_id="keep:yes")
    async def keep(self, interaction: discord.Interaction, button: discord.ui.Button[Keep]) -> None:
        await interaction.response.edit_message(content=f"kept by {interaction.user.name}", view=None)


class Restarted(MiniBot):
    async def setup_hook(self) -> None:
        self.add_view(Keep())


async def test_a_click_after_a_restart_reaches_the_new_session(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    general = fake_discord.channel("general")
    async with running(fake_discord, MiniBot()) as before:
        channel = before.get_channel(general)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("Keep this?", view=Keep())
    row = fake_discord.message(sent.id)["components"][0]
    assert row["type"] == 1 and row["components"][0]["custom_id"] == "keep:yes"
    assert not fake_discord.gateway.sessions
    await run_discord_client(Restarted())
    clicked = await fake_discord.click(fake_discord.user("alice"), sent.id, "keep:yes")
    assert (await clicked.response()).type == 7
    after = fake_discord.message(sent.id)
    assert after["content"] == "kept by alice" and after["components"] == []
    assert fake_discord.identify_count == 2


def _button(custom_id: str) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": "b", "custom_id": custom_id}


def _row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


_SELECT = {"type": 3, "custom_id": "pick", "options": [{"label": "a", "value": "a"}]}


@pytest.mark.parametrize(
    ("components", "where"),
    [
        ([_row(_button("x" * 101))], "components.0.components.0.custom_id"),
        ([_row(_button(f"r{i}")) for i in range(6)], "components"),
        ([_row(*(_button(f"b{i}") for i in range(6)))], "components.0.components"),
        ([_row(_button("same")), _row(_button("same"))], "components.1.components.0.custom_id"),
        ([_row(_SELECT, _button("beside"))], "components.0.components"),
        ([_row({"type": 2, "style": 5, "label": "docs"})], "components.0.components.0.url"),
        ([_button("not in a row")], "components.0.type"),
    ],
)
async def test_component_limits_are_discords(
    fake_discord: FakeDiscord, run_discord_client: Any, components: list[dict[str, Any]], where: str
) -> None:
    bot = await run_discord_client(MiniBot())
    general = fake_discord.channel("general")
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=general)
    with pytest.raises(discord.HTTPException) as err:
        await bot.http.request(route, json={"content": "choose", "components": components})
    assert err.value.status == 400 and err.value.code == 50035
    assert f"In {where}:" in err.value.text
    assert fake_discord.messages(general) == []


async def test_components_at_the_limits_are_accepted_and_checked_on_edit(
    fake_discord: FakeDiscord, run_discord_client: Any
) -> None:
    bot = await run_discord_client(MiniBot())
    general = fake_discord.channel("general")
    full = [_row(*(_button(f"{r}-{i}".ljust(100, "x")) for i in range(5))) for r in range(5)]
    sent = await bot.http.request(
        discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=general),
        json={"content": "a full grid", "components": full},
    )
    assert fake_discord.message(int(sent["id"]))["components"] == full
    edit = discord.http.Route("PATCH", "/channels/{channel_id}/messages/{message_id}", channel_id=general,
                              message_id=sent["id"])
    with pytest.raises(discord.HTTPException) as err:
        await bot.http.request(edit, json={"components": [*full, _row(_button("sixth"))]})
    assert err.value.code == 50035 and "In components:" in err.value.text
    v2 = {"type": 17, "components": [{"type": 10, "content": f"line {i}"} for i in range(40)]}
    with pytest.raises(discord.HTTPException) as too_many:  # 41 components in all
        await bot.http.request(edit, json={"flags": 1 << 15, "components": [v2]})
    assert too_many.value.code == 50035
