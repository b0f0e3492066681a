"""REST routes for users, the application, the gateway URL, guilds, application commands and attachments."""

from __future__ import annotations

from aiohttp import web

from .errors import ApiError, forbidden
from .gateway import intent_flags
from .models import Guild
from .responses import json_response
from .routing import body_of, fake_of, no_content, snowflake


def setup(router: web.UrlDispatcher, api: str) -> None:
    router.add_get(f"{api}/users/@me", current_user)
    router.add_post(f"{api}/users/@me/channels", open_dm)
    router.add_get(f"{api}/users/{{user_id}}", get_user)
    router.add_get(f"{api}/oauth2/applications/@me", application_info)
    router.add_get(f"{api}/applications/@me", application_info)
    router.add_get(f"{api}/gateway", gateway)
    router.add_get(f"{api}/gateway/bot", gateway_bot)
    g = f"{api}/guilds/{{guild_id}}"
    router.add_get(g, get_guild)
    router.add_get(f"{g}/channels", guild_channels)
    router.add_get(f"{g}/roles", guild_roles)
    router.add_get(f"{g}/members", list_members)
    router.add_get(f"{g}/members/{{user_id}}", get_member)
    router.add_get(f"{g}/threads/active", active_threads)
    for base in (f"{api}/applications/{{app_id}}", f"{api}/applications/{{app_id}}/guilds/{{guild_id}}"):
        router.add_get(f"{base}/commands", list_commands)
        router.add_put(f"{base}/commands", overwrite_commands)
        router.add_post(f"{base}/commands", upsert_command)
        router.add_get(f"{base}/commands/{{command_id}}", get_command)
        router.add_patch(f"{base}/commands/{{command_id}}", edit_command)
        router.add_delete(f"{base}/commands/{{command_id}}", delete_command)
    router.add_get(f"{api}/applications/{{app_id}}/guilds/{{guild_id}}/commands/permissions", no_permissions)


# ----- users and application
async def current_user(request: web.Request) -> web.Response:
    fake = fake_of(request)
    return json_response(
        {
            **fake.render.user(fake.bot_id),
            "verified": True,
            "mfa_enabled": False,
            "email": None,
            "locale": "en-US",
            "bio": "",
        }
    )


async def get_user(request: web.Request) -> web.Response:
    fake = fake_of(request)
    return json_response(fake.render.user(fake.world.user(snowflake(request, "user_id"))))


async def open_dm(request: web.Request) -> web.Response:
    fake = fake_of(request)
    recipient = body_of(request).obj.get("recipient_id")
    if recipient is None:
        raise ApiError(400, 50035, detail="recipient_id is required")
    channel = fake.world.dm_channel(int(recipient))
    return json_response(fake.render.channel(channel))


async def application_info(request: web.Request) -> web.Response:
    fake = fake_of(request)
    app = fake.world.application
    assert app is not None
    return json_response(
        {
            "id": str(app.id),
            "name": app.name,
            "icon": None,
            "description": app.description,
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": app.verify_key,
            "owner": fake.render.user(app.owner_id),
            "team": None,
            "flags": app.flags | intent_flags(fake.portal_intents),
            "rpc_origins": [],
            "tags": [],
            "redirect_uris": [],
            "bot": fake.render.user(fake.bot_id),
            "approximate_guild_count": len(fake.world.guilds),
            "interactions_endpoint_url": None,
            "install_params": {"scopes": ["bot", "applications.commands"], "permissions": "0"},
            "integration_types_config": {"0": {}},
            "terms_of_service_url": None,
            "privacy_policy_url": None,
        }
    )


async def gateway(request: web.Request) -> web.Response:
    return json_response({"url": fake_of(request).gateway_url})


async def gateway_bot(request: web.Request) -> web.Response:
    """The gateway URL, the recommended shard count (`FakeDiscord(shard_count=...)`) and session limits."""
    fake = fake_of(request)
    limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
    return json_response({"url": fake.gateway_url, "shards": fake.shard_count, "session_start_limit": limit})


# ----- guilds
def _guild(request: web.Request) -> Guild:
    fake = fake_of(request)
    guild = fake.world.guild(snowflake(request, "guild_id"))
    if fake.bot_id not in guild.members:
        raise forbidden(50001, detail=f"bot is not in guild {guild.id}")
    return guild


async def get_guild(request: web.Request) -> web.Response:
    fake, guild = fake_of(request), _guild(request)
    data = fake.render.guild(guild)
    if request.query.get("with_counts") in ("true", "1", "True"):
        data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
    return json_response(data)


async def guild_channels(request: web.Request) -> web.Response:
    fake, guild = fake_of(request), _guild(request)
    return json_response([fake.render.channel(c) for c in fake.world.guild_channels(guild.id)])


async def guild_roles(request: web.Request) -> web.Response:
    fake, guild = fake_of(request), _guild(request)
    return json_response([fake.render.role(r) for r in guild.roles.values()])


async def list_members(request: web.Request) -> web.Response:
    fake, guild = fake_of(request), _guild(request)
    after = int(request.query.get("after") or 0)
    limit = int(request.query.get("limit") or 1)
    members = sorted((m for m in guild.members.values() if m.user_id > after), key=lambda m: m.user_id)
    return json_response([fake.render.member(m) for m in members[:limit]])


async def get_member(request: web.Request) -> web.Response:
    fake, guild = fake_of(request), _guild(request)
    return json_response(fake.render.member(fake.world.member(guild.id, snowflake(request, "user_id"))))


async def active_threads(request: web.Request) -> web.Response:
    fake, guild = fake_of(request), _guild(request)
    threads = fake.world.threads(guild.id, archived=False)
    members = [fake.render.thread_member(t, fake.bot_id) for t in threads if fake.bot_id in t.member_ids]
    return json_response({"threads": [fake.render.thread(t) for t in threads], "members": members})


# ----- application commands
def _scope(request: web.Request) -> int | None:
    fake = fake_of(request)
    if snowflake(request, "app_id") != fake.bot_id:
        raise forbidden(50001, detail="not this bot's application")
    if "guild_id" in request.match_info:
        return _guild(request).id
    return None


async def list_commands(request: web.Request) -> web.Response:
    return json_response(fake_of(request).commands.synced(_scope(request)))


async def overwrite_commands(request: web.Request) -> web.Response:
    scope = _scope(request)
    return json_response(fake_of(request).commands.overwrite(scope, body_of(request).json or []))


async def upsert_command(request: web.Request) -> web.Response:
    scope = _scope(request)
    return json_response(fake_of(request).commands.upsert(scope, body_of(request).obj), 201)


async def get_command(request: web.Request) -> web.Response:
    fake, scope = fake_of(request), _scope(request)
    return json_response(fake.commands.payload(fake.commands.get(scope, snowflake(request, "command_id"))))


async def edit_command(request: web.Request) -> web.Response:
    fake, scope = fake_of(request), _scope(request)
    return json_response(fake.commands.edit(scope, snowflake(request, "command_id"), body_of(request).obj))


async def delete_command(request: web.Request) -> web.Response:
    fake, scope = fake_of(request), _scope(request)
    fake.commands.delete(scope, snowflake(request, "command_id"))
    return no_content()


async def no_permissions(request: web.Request) -> web.Response:
    _scope(request)
    return json_response([])


# ----- attachments (outside the API base, like the CDN)
async def attachment(request: web.Request) -> web.Response:
    fake = fake_of(request)
    try:
        stored = fake.world.files[int(request.match_info["file_id"])]
    except (KeyError, ValueError):
        return web.Response(status=404, text="Not Found")
    if stored.channel_id != int(request.match_info["channel_id"]):
        return web.Response(status=404, text="Not Found")
    return web.Response(body=stored.data, content_type=stored.content_type or "application/octet-stream")
