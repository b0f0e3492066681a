"""/config (server settings, Manage Server only) and /usage (LLM spending against the budget)."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.discord_ui.checks import admins_only
from bot.discord_ui.render import COLOUR
from bot.discord_ui.replies import respond
from bot.discord_ui.transformers import ChannelOption, PeriodOption
from bot.settings.guild import GuildSettings, InvalidSetting
from bot.util.text import clip
from bot.util.timeutil import Period

Channel = discord.TextChannel      # the moderators' channel: the bot posts there


def _channels(ids: list[int]) -> str:
    return ", ".join(f"<#{i}>" for i in ids) or "none"


def describe(s: GuildSettings) -> dict[str, str]:
    """Readable settings by area, for /config show."""
    return {
        "Summaries": (f"mode **{s.summary_mode}** · style **{s.summary_style}** · question threads "
                      f"**{'on' if s.summary_threads else 'off'}**\n"
                      f"only in: {_channels(s.summary_channels) if s.summary_channels else 'every channel'}"
                      f" · never in: {_channels(s.summary_excluded_channels)}"),
        "Language": f"**{s.language or 'article language'}**",
        "Questions": f"recent-article window **{s.ask_window_minutes} min** · thread trigger `{s.thread_trigger}`",
        "Logging": (f"**{'on' if s.log_enabled else 'off'}** · bots **{'yes' if s.log_bots else 'no'}** · keep "
                    f"**{s.retention_days} d** · deleted content kept **{s.deleted_content_days} d**\n"
                    f"excluded: {_channels(s.log_excluded_channels)}"),
        "Moderation": (f"moderator channel: {f'<#{s.mod_channel_id}>' if s.mod_channel_id else 'not set'} · digest "
                       f"**{s.digest}** at **{s.digest_hour:02d}:00 UTC**\nrules: "
                       f"{', '.join(f'`{r}`' for r in s.mod_rules) or 'none'}"),
        "Budget": (f"daily tokens **{s.daily_tokens:,}**{' (LLM off)' if s.daily_tokens == 0 else ''} · "
                   f"cooldown **{s.cooldown_seconds} s**"),
    }


def _id(channel: Channel | app_commands.AppCommandChannel | None) -> int | None:
    return channel.id if channel is not None else None


def _toggle(values: list[int], add: int | None = None, remove: int | None = None) -> list[int]:
    out = [v for v in values if v != remove]
    if add is not None and add not in out:
        out.append(add)
    return out


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description="Settings of this bot on this server"):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot
        self.settings = bot.services.guild_settings

    async def _update(self, interaction: discord.Interaction, **values: Any) -> None:
        assert interaction.guild_id is not None
        values = {k: v for k, v in values.items() if v is not None}
        if not values:
            await respond(interaction, "Nothing to change: pick at least one option.")
            return
        before = await self.settings.get(interaction.guild_id)
        try:
            after = await self.settings.update(interaction.guild_id, interaction.user.id, **values)
        except InvalidSetting as exc:
            await respond(interaction, f"Not changed: {exc}.")
            return
        changed = [f"`{k}`: {getattr(before, k)!r} → {getattr(after, k)!r}" for k in values
                   if getattr(before, k) != getattr(after, k)]
        await respond(interaction, "Updated " + "; ".join(changed) if changed else "Already set that way.")

    @app_commands.command(name="show", description="Show every setting of this server")
    @admins_only()
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        current = await self.settings.get(interaction.guild_id)
        embed = discord.Embed(title="Precis settings", colour=COLOUR)
        for name, value in describe(current).items():
            embed.add_field(name=name, value=clip(value, 1024), inline=False)
        changes = await self.settings.history(interaction.guild_id, limit=5)
        if changes:
            embed.add_field(name="Recent changes", inline=False, value=clip("\n".join(
                f"<t:{c.changed_at // 1000}:R> <@{c.user_id}> `{c.key}`: {c.old_value!r} → {c.new_value!r}"
                for c in changes), 1024))
        await respond(interaction, embed=embed)

    @app_commands.command(name="summaries", description="Automatic summaries: mode, style, channels, threads")
    @app_commands.describe(mode="off, auto (every link) or reaction (when someone reacts with 📰)",
                           style="default style", threads="open a question thread under each summary",
                           only_in="add a channel to the allow list (empty list = every channel)",
                           not_only_in="remove a channel from the allow list",
                           never_in="add a channel to the deny list", allow_again="remove a channel from the deny list")
    @admins_only()
    async def summaries(self, interaction: discord.Interaction, mode: Literal["off", "auto", "reaction"] | None = None,
                        style: Literal["brief", "detailed", "bullets"] | None = None, threads: bool | None = None,
                        only_in: ChannelOption | None = None, not_only_in: ChannelOption | None = None,
                        never_in: ChannelOption | None = None, allow_again: ChannelOption | None = None) -> None:
        assert interaction.guild_id is not None
        current = await self.settings.get(interaction.guild_id)
        allow = deny = None
        if only_in or not_only_in:
            allow = _toggle(current.summary_channels, _id(only_in), _id(not_only_in))
        if never_in or allow_again:
            deny = _toggle(current.summary_excluded_channels, _id(never_in), _id(allow_again))
        await self._update(interaction, summary_mode=mode, summary_style=style, summary_threads=threads,
                           summary_channels=allow, summary_excluded_channels=deny)

    @app_commands.command(name="language", description="Default language of summaries and answers")
    @app_commands.describe(code="a language code such as en, es, de, pt-br; 'auto' = the article's language")
    @admins_only()
    async def language(self, interaction: discord.Interaction, code: str) -> None:
        await self._update(interaction, language=code)

    @app_commands.command(name="logging", description="Conversation log: on/off, channels, bots, retention")
    @app_commands.describe(enabled="keep a log of messages", bots="also log bots and webhooks",
                           exclude="stop logging a channel", include="log an excluded channel again",
                           retention_days="delete logged messages after this many days",
                           deleted_content_days="blank the text of deleted messages after this many days")
    @admins_only()
    async def logging(self, interaction: discord.Interaction, enabled: bool | None = None, bots: bool | None = None,
                      exclude: ChannelOption | None = None, include: ChannelOption | None = None,
                      retention_days: app_commands.Range[int, 1, 3650] | None = None,
                      deleted_content_days: app_commands.Range[int, 0, 3650] | None = None) -> None:
        assert interaction.guild_id is not None
        current = await self.settings.get(interaction.guild_id)
        excluded = None
        if exclude or include:
            excluded = _toggle(current.log_excluded_channels, _id(exclude), _id(include))
        await self._update(interaction, log_enabled=enabled, log_bots=bots, log_excluded_channels=excluded,
                           retention_days=retention_days, deleted_content_days=deleted_content_days)

    @app_commands.command(name="moderation", description="Moderator channel, digests and flag rules")
    @app_commands.describe(channel="where reports and digests go", digest="scheduled digest",
                           digest_hour="hour of the digest, UTC", add_rule="flag a word, or /regular expression/",
                           remove_rule="stop flagging a word or expression")
    @admins_only()
    async def moderation(self, interaction: discord.Interaction, channel: Channel | None = None,
                         digest: Literal["off", "daily", "weekly"] | None = None,
                         digest_hour: app_commands.Range[int, 0, 23] | None = None,
                         add_rule: str | None = None, remove_rule: str | None = None) -> None:
        assert interaction.guild_id is not None
        current = await self.settings.get(interaction.guild_id)
        rules = None
        if add_rule or remove_rule:
            rules = [r for r in current.mod_rules if r != remove_rule]
            if add_rule and add_rule not in rules:
                rules.append(add_rule)
        await self._update(interaction, mod_channel_id=channel.id if channel else None, digest=digest,
                           digest_hour=digest_hour, mod_rules=rules)

    @app_commands.command(name="budget", description="Daily LLM token budget and per-member cooldowns")
    @app_commands.describe(daily_tokens="tokens per UTC day (0 = never use the LLM)",
                           cooldown_seconds="seconds between /summarize or questions of one member")
    @admins_only()
    async def budget(self, interaction: discord.Interaction,
                     daily_tokens: app_commands.Range[int, 0, 100_000_000] | None = None,
                     cooldown_seconds: app_commands.Range[int, 0, 86_400] | None = None) -> None:
        await self._update(interaction, daily_tokens=daily_tokens, cooldown_seconds=cooldown_seconds)


class Usage(commands.Cog):
    def __init__(self, bot: PrecisBot) -> None:
        self.bot = bot

    @app_commands.command(name="usage", description="LLM tokens and calls on this server, against the budget")
    @app_commands.describe(period="how far back, e.g. 24h, 7d or 30d (default 7d)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @admins_only()
    async def usage(self, interaction: discord.Interaction, period: PeriodOption | None = None) -> None:
        assert interaction.guild_id is not None
        period = period or Period.parse("7d")
        summary = await self.bot.services.budget.summary(interaction.guild_id, period.start())
        embed = discord.Embed(title=f"LLM usage, last {period.text}", colour=COLOUR)
        embed.description = (f"**{summary.total.tokens:,}** tokens in **{summary.total.calls}** calls · today "
                             f"**{summary.spent_today:,}** of **{summary.budget:,}** daily tokens")
        rows = {
            "By feature": [f"{r.key}: {r.tokens:,} tokens, {r.calls} calls" for r in summary.by_feature],
            "By member": [f"<@{r.key}>: {r.tokens:,} tokens, {r.calls} calls" for r in summary.by_member[:10]],
            "By day": [f"{r.key}: {r.tokens:,} tokens, {r.calls} calls" for r in summary.by_day[:14]],
        }
        for name, lines in rows.items():
            embed.add_field(name=name, value=clip("\n".join(lines) or "none", 1024), inline=False)
        await respond(interaction, embed=embed)


async def setup(bot: PrecisBot) -> None:
    await bot.add_cog(Config(bot))
    await bot.add_cog(Usage(bot))
