"""Implementation projects (咨询实施): application, plan, daily logs, approvals, acceptance, forms."""
