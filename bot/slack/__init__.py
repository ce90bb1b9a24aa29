"""The Slack shell: Bolt app factory, listeners, Web API client."""
