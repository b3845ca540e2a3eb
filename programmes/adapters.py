from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs up: accounts are made by a coordinator's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False
