from allauth.account.forms import LoginForm as AllauthLoginForm

from . import policy


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form sets the session's lifetime after signing in by
    password; the lifetime is the role's (``programmes.signin.policy``)."""

    def login(self, request, redirect_url=None):
        response = super().login(request, redirect_url)
        if request.user.is_authenticated:
            policy.apply_session_expiry(request, request.user)
        return response
