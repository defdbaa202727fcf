"""The ИОМ PDF's plan table: every header word fits its column, so none breaks inside a word."""

from bot.render.pdf import HEADER_FONT_SIZE, HEADERS, WIDTHS
from bot.render.pdf_doc import FAMILY, doc_class, font_files


def test_every_header_word_fits_its_column_in_bold():
    pdf = doc_class()(orientation="L", unit="mm", format="A4")
    regular, bold = font_files()
    pdf.add_font(FAMILY, "", regular)
    pdf.add_font(FAMILY, "B", bold)
    pdf.set_margins(10, 10, 10)
    pdf.set_font(FAMILY, "B", HEADER_FONT_SIZE)
    scale = pdf.epw / sum(WIDTHS)  # fpdf2 stretches the relative widths over the page
    for header, width in zip(HEADERS, WIDTHS, strict=True):
        room = width * scale - 2 * pdf.c_margin - pdf.line_width
        for word in header.split():
            assert pdf.get_string_width(word) <= room, (header, word, round(pdf.get_string_width(word), 1), room)
