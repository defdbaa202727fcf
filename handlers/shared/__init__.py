"""What every feature's handlers share: texts, keyboards and their builder, callback data, states,
filters, reply helpers, the organization picker, /help, /cancel and errors."""
