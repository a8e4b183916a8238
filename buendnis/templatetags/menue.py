"""`{% menue_gecacht "name" %}...{% endmenue_gecacht %}`: a part of the page header that depends only on the
signed-in person, rendered once and then taken from the cache (`buendnis.personencache`). Without a signed-in
person, or where the context's `user` is not the request's, the part is rendered as it stands."""

from __future__ import annotations

from django import template

from buendnis import personencache

register = template.Library()


class MenueNode(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList):
        self.name = name
        self.nodelist = nodelist

    def render(self, context) -> str:
        user = context.get("user")
        request = context.get("request")
        # Only the signed-in person's own header: a view that puts another account into the context as `user`
        # (an UpdateView of User) gets its header rendered, never stored under that account.
        person = personencache.fuer(user) if user is getattr(request, "user", None) else None
        if person is None:
            return self.nodelist.render(context)
        return person.menue_teil(self.name, lambda: self.nodelist.render(context))


@register.tag
def menue_gecacht(parser, token):
    teile = token.split_contents()
    if len(teile) != 2 or len(teile[1]) < 2 or teile[1][0] not in "\"'" or teile[1][0] != teile[1][-1]:
        raise template.TemplateSyntaxError(f"{teile[0]} erwartet einen Namen in Anführungszeichen.")
    nodelist = parser.parse(("endmenue_gecacht",))
    parser.delete_first_token()
    return MenueNode(teile[1][1:-1], nodelist)
