"""`hubtui customers …`: the customers orders are taken for."""

from __future__ import annotations

from typing import Annotated

import typer

from hubtui.cli.common import DbOption, JsonOption, OrgOption, UserOption, emit_json, handled_errors, say, signed_in

app = typer.Typer(help="Customers orders are taken for.", no_args_is_help=True)


@app.command("add")
def customers_add(
    ctx: typer.Context,
    first_name: Annotated[str, typer.Option("--first-name")],
    last_name: Annotated[str, typer.Option("--last-name")],
    email: Annotated[str, typer.Option("--email")],
    phone: Annotated[str, typer.Option("--phone")],
    line1: Annotated[str, typer.Option("--line1", help="First line of the address.")],
    city: Annotated[str, typer.Option("--city")],
    postcode: Annotated[str, typer.Option("--postcode")],
    line2: Annotated[str, typer.Option("--line2")] = "",
    country: Annotated[str, typer.Option("--country", help="Two-letter code.")] = "GB",
    company: Annotated[str | None, typer.Option("--company", help="Account number of the company they order for.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    org: OrgOption = None,
    user: UserOption = None,
) -> None:
    """Add a customer (complete: name, e-mail, phone and address), so orders can be taken for them."""
    with handled_errors():
        from hubtui.services.customers import NewCustomer, create_customer
        from hubtui.services.views import Address

        address = Address(f"{first_name} {last_name}".strip(), line1, line2, city, postcode, country)
        added = create_customer(signed_in(ctx, db, org, user),
                                NewCustomer(first_name, last_name, email, phone, address, company))
    if as_json:
        emit_json(added)
        return
    say(f"Added customer {added.name} <{added.email}> (id {added.id}).")
