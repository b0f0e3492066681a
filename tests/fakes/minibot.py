"""A minimal discord.py bot (not the project's) for testing the Discord stand-in itself."""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.playground.fake_discord import (
    FakeDiscord,
)
from tests.fakes.discord_plugin import Inbox


class Feedback(discord.ui.Modal, title="Feedback"):
    topic: discord.ui.TextInput[Feedback] = discord.ui.TextInput(label="Topic", custom_id="topic")
    details: discord.ui.Label[Feedback] = discord.ui.Label(
        text="Details", component=discord.ui.TextInput(custom_id="details", style=discord.TextStyle.paragraph)
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.details.component, discord.ui.TextInput)
        await interaction.response.send_message(
            f"thanks: {self.topic.value} / {self.details.component.value}", ephemeral=True
        )


class Vote(discord.ui.View):
    @discord.ui.button(label="Yes", custom_id="vote-yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button[Vote]) -> None:
        await interaction.response.edit_message(content="Voted yes", view=None)


def add_commands(tree: app_commands.CommandTree[Any]) -> None:
    @tree.command(name="ping", description="Answer pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @tree.command(name="secret", description="Answer privately")
    async def secret(interaction: discord.Interaction, word: str) -> None:
        await interaction.response.send_message(f"psst {word}", ephemeral=True)

    @tree.command(name="slow", description="Think first")
    async def slow(interaction: discord.Interaction, times: app_commands.Range[int, 1, 5] = 1) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send(" ".join(["done"] * times))
        await interaction.followup.send(
            "the report", file=discord.File(io.BytesIO(b"report body"), "report.txt")
        )

    @tree.command(name="feedback", description="Open a form")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback())

    @tree.command(name="vote", description="Ask with a button")
    async def vote(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Vote?", view=Vote())

    @tree.command(name="card", description="Answer with a file")
    async def card(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "your card", file=discord.File(io.BytesIO(b"CARD"), "card.txt")
        )

    @tree.command(name="perms", description="Show permissions")
    async def perms(interaction: discord.Interaction) -> None:
        p, app = interaction.permissions, interaction.app_permissions
        await interaction.response.send_message(
            f"manage_messages={p.manage_messages} bot_embed_links={app.embed_links}", ephemeral=True
        )

    admin = app_commands.Group(
        name="admin", description="Admin tools", default_permissions=discord.Permissions(manage_messages=True)
    )

    @admin.command(name="whois", description="Look someone up")
    async def whois(
        interaction: discord.Interaction, member: discord.Member, where: discord.TextChannel | None = None
    ) -> None:
        await interaction.response.send_message(f"{member.display_name} in {where.name if where else '-'}")

    tree.add_command(admin)

    @tree.context_menu(name="Report to moderators")
    async def report(interaction: discord.Interaction, message: discord.Message) -> None:
        assert interaction.guild is not None
        mod_log = discord.utils.get(interaction.guild.text_channels, name="mod-log")
        assert mod_log is not None
        await mod_log.send(f"Report by {interaction.user.name}: {message.content}")
        await interaction.response.send_message("Reported.", ephemeral=True)

    @tree.context_menu(name="Say hi")
    async def say_hi(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"hi {member.display_name}")


class MiniBot(commands.Bot):
    def __init__(self, *, message_content: bool = True, **kwargs: Any) -> None:
        intents = discord.Intents.default()
        intents.members = True
        intents.message_content = message_content
        super().__init__(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.1,
            allowed_mentions=discord.AllowedMentions.none(),
            **kwargs,
        )
        self.inbox = Inbox()
        add_commands(self.tree)

    async def on_message(self, message: discord.Message) -> None:
        self.inbox.add(("message", message))
        if message.author.bot:
            return
        if message.content.startswith("echo "):
            await message.reply(message.content[5:])
        elif message.content == "size?" and message.attachments:
            data = await message.attachments[0].read()
            await message.channel.send(
                f"{len(data)} bytes", file=discord.File(io.BytesIO(data[::-1]), "rev.bin")
            )
        elif message.content == "draft please":
            draft = await message.channel.send("draft")
            await draft.edit(content="final")
            await draft.add_reaction("\N{WHITE HEAVY CHECK MARK}")
        elif message.content == "dm me":
            await message.author.send("a private word")
        elif message.content == "thread please":
            thread = await message.create_thread(name="Discussion")
            await thread.send("Thread opened.")

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        self.inbox.add(("raw_edit", payload))

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        self.inbox.add(("raw_delete", payload))

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        self.inbox.add(("raw_bulk_delete", payload))

    async def on_thread_create(self, thread: discord.Thread) -> None:
        self.inbox.add(("thread_create", thread))

    async def on_guild_channel_update(self, before: Any, after: discord.abc.GuildChannel) -> None:
        self.inbox.add(("channel_update", after))

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.inbox.add(("reaction", payload))


def kind(name: str) -> Any:
    return lambda item: item[0] == name


async def synced_bot(run_discord_client: Any, fake: FakeDiscord) -> MiniBot:
    bot = await run_discord_client(MiniBot())
    await bot.tree.sync()
    return bot
