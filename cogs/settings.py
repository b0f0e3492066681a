"""/config (server settings, Manage Server only) and /usage (LLM spending against the budget)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import PrecisBot
from bot.discord_ui.channels import channel_mentions
from bot.discord_ui.checks import admins_only
from bot.discord_ui.render import COLOUR
from bot.discord_ui.replies import respond
from bot.discord_ui.transformers import ChannelOption, PeriodOption
from bot.moderation.endpoint import ModerationEndpoint
from bot.settings.guild import GuildSettings, InvalidSetting
from bot.util.text import clip
from bot.util.timeutil import Period

Channel = discord.TextChannel      # the moderators' channel: the bot posts there


LABELS = {
    "summary_mode": "summary mode", "summary_style": "summary style", "summary_threads": "question threads",
    "summary_channels": "summaries only in", "summary_excluded_channels": "summaries never in",
    "log_enabled": "logging", "log_bots": "logging bots", "log_excluded_channels": "channels not logged",
    "retention_days": "days messages are kept", "deleted_content_days": "days deleted messages' text is kept",
    "mod_channel_id": "moderators' channel", "digest_hour": "digest hour (UTC)", "mod_rules": "flag rules",
    "moderation_endpoint": "moderation endpoint", "live_log_channel_id": "live log channel",
    "daily_tokens": "daily tokens", "cooldown_seconds": "cooldown (seconds)",
}


def label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " "))


def shown(key: str, value: Any) -> str:
    """A setting's value as people read it: channel mentions, plain lists, on/off."""
    if key.endswith("_channel_id"):
        return f"<#{value}>" if value else "not set"
    if key.endswith("_channels"):
        return channel_mentions(value or []) if value or key != "summary_channels" else "every channel"
    if key == "mod_rules":
        return ", ".join(f"`{rule}`" for rule in value or []) or "none"
    if key == "moderation_endpoint":
        return "default" if value is None else "on" if value else "off"
    if key == "language":
        return value or "the article's language"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, int):
        return f"{value:,}"
    return "not set" if value is None else str(value)


def describe(s: GuildSettings, endpoint: ModerationEndpoint | None = None) -> dict[str, str]:
    """Readable settings by area, for /config show."""
    moderation = (f"moderators' channel: {shown('mod_channel_id', s.mod_channel_id)} · digest **{s.digest}** at "
                  f"**{s.digest_hour:02d}:00 UTC**\nflag rules: {shown('mod_rules', s.mod_rules)}")
    if endpoint is not None:
        moderation += "\n" + endpoint.describe(s)
    return {
        "Summaries": (f"mode **{s.summary_mode}** · style **{s.summary_style}** · question threads "
                      f"**{'on' if s.summary_threads else 'off'}**\n"
                      f"only in: {shown('summary_channels', s.summary_channels)}"
                      f" · never in: {channel_mentions(s.summary_excluded_channels)}\n"
                      f"automatic summaries at most **{_limit(s.summary_member_limit)}** per member and "
                      f"**{_limit(s.summary_channel_limit)}** per channel every **{s.summary_limit_minutes} min**"),
        "Language": f"**{s.language or 'article language'}**",
        "Questions": f"recent-article window **{s.ask_window_minutes} min** · thread trigger `{s.thread_trigger}`",
        "Logging": (f"**{'on' if s.log_enabled else 'off'}** · bots **{'yes' if s.log_bots else 'no'}** · keep "
                    f"**{s.retention_days} d** · deleted content kept **{s.deleted_content_days} d**\n"
                    f"excluded: {channel_mentions(s.log_excluded_channels)}\n"
                    f"live log (edits, deletions, reports): {shown('live_log_channel_id', s.live_log_channel_id)}"),
        "Moderation": moderation,
        "Budget": (f"daily tokens **{s.daily_tokens:,}**{' (LLM off)' if s.daily_tokens == 0 else ''} · "
                   f"cooldown **{s.cooldown_seconds} s**"),
    }


def _limit(value: int) -> str:
    return "no limit" if value == 0 else str(value)


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

    async def _update(self, interaction: discord.Interaction, *, clear: Iterable[str] = (), **values: Any) -> None:
        """Change the options given (None: not given); `clear` puts settings back to not set."""
        assert interaction.guild_id is not None
        values = {k: v for k, v in values.items() if v is not None} | dict.fromkeys(clear)
        if not values:
            await respond(interaction, "Nothing to change: pick at least one option.")
            return
        before = await self.settings.get(interaction.guild_id)
        try:
            after = await self.settings.update(interaction.guild_id, interaction.user.id, **values)
        except InvalidSetting as exc:
            await respond(interaction, f"Not changed: {exc}.")
            return
        changed = [f"{label(k)}: {shown(k, getattr(before, k))} → {shown(k, getattr(after, k))}" for k in values
                   if getattr(before, k) != getattr(after, k)]
        await respond(interaction, "Updated " + "; ".join(changed) if changed else "Already set that way.")

    @app_commands.command(name="show", description="Show every setting of this server")
    @admins_only()
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        current = await self.settings.get(interaction.guild_id)
        embed = discord.Embed(title="Precis settings", colour=COLOUR)
        for name, value in describe(current, self.bot.services.moderation).items():
            embed.add_field(name=name, value=clip(value, 1024), inline=False)
        changes = await self.settings.history(interaction.guild_id, limit=5)
        if changes:
            embed.add_field(name="Recent changes", inline=False, value=clip("\n".join(
                f"<t:{c.changed_at // 1000}:R> <@{c.user_id}> {label(c.key)}: {shown(c.key, c.old_value)} → "
                f"{shown(c.key, c.new_value)}"
                for c in changes), 1024))
        await respond(interaction, embed=embed)

    @app_commands.command(name="summaries", description="Automatic summaries: mode, style, channels, threads")
    @app_commands.describe(mode="off, auto (every link) or reaction (when someone reacts with 📰)",
                           style="default style", threads="open a question thread under each summary",
                           only_in="add a channel to the allow list (empty list = every channel)",
                           not_only_in="remove a channel from the allow list",
                           never_in="add a channel to the deny list", allow_again="remove a channel from the deny list",
                           per_member="automatic summaries one member may cause per period (0 = no limit)",
                           per_channel="automatic summaries per channel per period (0 = no limit)",
                           period_minutes="the period of those limits, in minutes")
    @admins_only()
    async def summaries(self, interaction: discord.Interaction, mode: Literal["off", "auto", "reaction"] | None = None,
                        style: Literal["brief", "detailed", "bullets"] | None = None, threads: bool | None = None,
                        only_in: ChannelOption | None = None, not_only_in: ChannelOption | None = None,
                        never_in: ChannelOption | None = None, allow_again: ChannelOption | None = None,
                        per_member: app_commands.Range[int, 0, 1_000] | None = None,
                        per_channel: app_commands.Range[int, 0, 1_000] | None = None,
                        period_minutes: app_commands.Range[int, 1, 1_440] | None = None) -> None:
        assert interaction.guild_id is not None
        current = await self.settings.get(interaction.guild_id)
        allow = deny = None
        if only_in or not_only_in:
            allow = _toggle(current.summary_channels, _id(only_in), _id(not_only_in))
        if never_in or allow_again:
            deny = _toggle(current.summary_excluded_channels, _id(never_in), _id(allow_again))
        await self._update(interaction, summary_mode=mode, summary_style=style, summary_threads=threads,
                           summary_channels=allow, summary_excluded_channels=deny, summary_member_limit=per_member,
                           summary_channel_limit=per_channel, summary_limit_minutes=period_minutes)

    @app_commands.command(name="language", description="Default language of summaries and answers")
    @app_commands.describe(code="a language code such as en, es, de, pt-br; 'auto' = the article's language")
    @admins_only()
    async def language(self, interaction: discord.Interaction, code: str) -> None:
        await self._update(interaction, language=code)

    @app_commands.command(name="logging", description="Conversation log: on/off, channels, bots, retention")
    @app_commands.describe(enabled="keep a log of messages", bots="also log bots and webhooks",
                           exclude="stop logging a channel", include="log an excluded channel again",
                           retention_days="delete logged messages after this many days",
                           deleted_content_days="blank the text of deleted messages after this many days",
                           live_channel="post edits, deletions and member reports live in this channel",
                           live_off="stop posting to the live log channel")
    @admins_only()
    async def logging(self, interaction: discord.Interaction, enabled: bool | None = None, bots: bool | None = None,
                      exclude: ChannelOption | None = None, include: ChannelOption | None = None,
                      retention_days: app_commands.Range[int, 1, 3650] | None = None,
                      deleted_content_days: app_commands.Range[int, 0, 3650] | None = None,
                      live_channel: Channel | None = None, live_off: bool | None = None) -> None:
        assert interaction.guild_id is not None
        current = await self.settings.get(interaction.guild_id)
        excluded = None
        if exclude or include:
            excluded = _toggle(current.log_excluded_channels, _id(exclude), _id(include))
        await self._update(interaction, log_enabled=enabled, log_bots=bots, log_excluded_channels=excluded,
                           retention_days=retention_days, deleted_content_days=deleted_content_days,
                           live_log_channel_id=_id(live_channel),
                           clear=["live_log_channel_id"] if live_off and live_channel is None else [])

    @app_commands.command(name="moderation", description="Moderator channel, digests and flag rules")
    @app_commands.describe(channel="where reports, flags and digests go", unset_channel="stop using a moderators' "
                           "channel (reports are then refused, flags and digests not posted)",
                           digest="scheduled digest", digest_hour="hour of the digest, UTC",
                           add_rule="flag a word, or /regular expression/", remove_rule="stop flagging a word or "
                           "expression", endpoint="send messages to the model server's moderation endpoint "
                           "(default: on with OpenAI, off with a local server)")
    @admins_only()
    async def moderation(self, interaction: discord.Interaction, channel: Channel | None = None,
                         unset_channel: bool | None = None,
                         digest: Literal["off", "daily", "weekly"] | None = None,
                         digest_hour: app_commands.Range[int, 0, 23] | None = None,
                         add_rule: str | None = None, remove_rule: str | None = None,
                         endpoint: Literal["default", "on", "off"] | None = None) -> None:
        assert interaction.guild_id is not None
        current = await self.settings.get(interaction.guild_id)
        rules = None
        if add_rule or remove_rule:
            rules = [r for r in current.mod_rules if r != remove_rule]
            if add_rule and add_rule not in rules:
                rules.append(add_rule)
        clear = ["mod_channel_id"] if unset_channel and channel is None else []
        if endpoint == "default":
            clear.append("moderation_endpoint")
        await self._update(interaction, mod_channel_id=channel.id if channel else None, digest=digest,
                           digest_hour=digest_hour, mod_rules=rules,
                           moderation_endpoint={"on": True, "off": False}.get(endpoint or ""), clear=clear)

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
