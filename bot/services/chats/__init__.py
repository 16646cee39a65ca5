"""The chats the bot talks in: registered when first heard from, bound to a purpose from chat."""
