"""The bodies of DingTalk interactive cards (互动卡片, template "StandardCard"), both ways a
click can come back.

- HTTP mode: POST /v1.0/im/interactiveCards/send with `callbackRouteKey`; DingTalk POSTs the
  click to the URL registered under that key (/dingtalk/card). Updates: PUT
  /v1.0/im/interactiveCards.
- Stream mode: interactiveCards/send has no way to route a click to a stream, the card-instance
  API does: POST /v1.0/card/instances/createAndDeliver with callbackType "STREAM", openSpaceId
  "dtv1.card//IM_GROUP.<openConversationId>" or "dtv1.card//IM_ROBOT.<staffId>" and the robot
  in the deliver model. The click arrives over the stream (bot/platforms/dingtalk_stream.py)
  with the same body as the HTTP one. Updates: PUT /v1.0/card/instances, the API the card was
  created with.
"""
from __future__ import annotations

import json
from typing import Any

from bot import messages
from bot.messages import OutboundMessage
from notifiers.senders.wecom import task_id_for

CARD_TEMPLATE = "StandardCard"
CARD_LOGO = "@lALPDfJ6V_FPDmvNAfTNAfQ"


def card_json(title: str, text: str, buttons: Any, *, done: str = "") -> dict:
    """The StandardCard body: a header, the markdown text, and buttons (or what was done)."""
    contents: list[dict] = []
    if text:
        contents.append({"type": "markdown", "text": text, "id": "text"})
    if buttons:
        contents.append({"type": "action", "id": "actions", "actions": [
            {"type": "button", "id": b.key, "actionType": "request",
             "status": "primary" if i == 0 else "normal",
             "label": {"type": "text", "text": b.text, "id": f"label_{i}"}}
            for i, b in enumerate(buttons)]})
    if done:
        contents.append({"type": "markdown", "text": f"**{done}**", "id": "done"})
    return {"config": {"autoLayout": True, "enableForward": True},
            "header": {"title": {"type": "text", "text": title or text.split("\n", 1)[0][:30]},
                       "logo": CARD_LOGO},
            "contents": contents}


def _data(card: dict) -> dict:
    return {"cardParamMap": {"sys_full_json_obj": json.dumps(card, ensure_ascii=False)}}


def route_key_body(cfg: Any, msg: OutboundMessage, track_id: str) -> dict:
    """interactiveCards/send: clicks go to the callback URL registered for the route key."""
    body: dict[str, Any] = {
        "cardTemplateId": CARD_TEMPLATE, "outTrackId": track_id, "robotCode": cfg.robot_code,
        "callbackRouteKey": cfg.card_callback_route_key,
        "cardData": _data(card_json(msg.title, msg.text, msg.buttons))}
    if msg.channel == messages.CH_DINGTALK_GROUP:
        body["conversationType"] = 1
        body["openConversationId"] = msg.address
    else:
        body["conversationType"] = 0
        body["receiverUserIdList"] = [msg.address]
    return body


def stream_body(cfg: Any, msg: OutboundMessage, track_id: str) -> dict:
    """card/instances/createAndDeliver: clicks come back over the stream."""
    robot = cfg.robot_code
    body: dict[str, Any] = {
        "cardTemplateId": CARD_TEMPLATE, "outTrackId": track_id, "callbackType": "STREAM",
        "cardData": _data(card_json(msg.title, msg.text, msg.buttons)), "userIdType": 1}
    if msg.channel == messages.CH_DINGTALK_GROUP:
        body["openSpaceId"] = f"dtv1.card//IM_GROUP.{msg.address}"
        body["imGroupOpenSpaceModel"] = {"supportForward": True}
        body["imGroupOpenDeliverModel"] = {"robotCode": robot}
    else:
        body["openSpaceId"] = f"dtv1.card//IM_ROBOT.{msg.address}"
        body["imRobotOpenSpaceModel"] = {"supportForward": True}
        body["imRobotOpenDeliverModel"] = {"spaceType": "IM_ROBOT", "robotCode": robot}
    return body


def update_path(cfg: Any) -> str:
    return "/v1.0/card/instances" if cfg.mode == "stream" else "/v1.0/im/interactiveCards"


def update_body(msg: OutboundMessage) -> dict:
    """The card redrawn as it is now: its text, its buttons still open, or in their place the
    state it reached (msg.extra["state"])."""
    done = "" if msg.buttons else str(msg.extra.get("state") or "")
    card = card_json(msg.title, msg.text, msg.buttons, done=done)
    track = task_id_for(OutboundMessage(channel=msg.channel, address=msg.address,
                                        task_id=msg.address), "")
    return {"outTrackId": track, "cardData": _data(card)}
