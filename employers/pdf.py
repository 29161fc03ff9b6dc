from core.pdf import render_pdf
from employers.queries import Statement


def render_statement_pdf(statement: Statement) -> bytes:
    """The employer's account statement (estado de cuenta patronal) as PDF bytes."""
    return render_pdf("employers/statement_pdf.html", {"statement": statement})
