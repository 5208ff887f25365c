package io.outpost.core.logic.computed;

/**
 * A mistake in an expression, where it is in the expression's own text.
 *
 * @param line   1-based line within the expression
 * @param column 1-based column within that line
 * @param token  the text at that place (an identifier, a number, an operator), empty at the end of the text
 */
public record ExpressionProblem(int line, int column, String token, String message) {
}
