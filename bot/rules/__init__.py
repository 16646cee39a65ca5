"""The rule tables of deskbot.toml as typed settings: [clocks], [penalties], [reports], [roster].

They are part of bot.settings.Settings, so loading the settings validates them; services read
them from there (`env.settings.clocks.ticket_claim.target`, `env.settings.penalties.rules.absent
.amount`, `env.settings.roster.shifts`, `env.settings.reports.daily_at`). Durations are
bot.durations.Duration values (`format_duration` renders one for people); keys that must be a
fixed length of time are timedeltas; times of day are datetime.time.
"""
