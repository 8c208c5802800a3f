import { Conflict, NotFound, Unauthenticated } from "../../infra/errors";

export class EmailTaken extends Conflict {
  static override readonly code = "EMAIL_TAKEN";
  constructor() {
    super("An account with this email already exists");
  }
}

/** Says no more than EMAIL_TAKEN does: that some account exists, not which one or its address. */
export class EmailConfusable extends Conflict {
  static override readonly code = "EMAIL_CONFUSABLE";
  constructor() {
    super("An account with an email that looks the same already exists; use another email");
  }
}

export class InvalidCredentials extends Unauthenticated {
  static override readonly code = "INVALID_CREDENTIALS";
  constructor() {
    super("Email or password is wrong");
  }
}

export class TokenExpired extends Unauthenticated {
  static override readonly code = "TOKEN_EXPIRED";
  constructor(token: "access" | "refresh") {
    super(`The ${token} token has expired`);
  }
}

/** The session behind an access token, or the one a refresh token belongs to, was revoked. */
export class TokenRevoked extends Unauthenticated {
  static override readonly code = "TOKEN_REVOKED";
  constructor(what: "the session" | "the access token") {
    super(what === "the session" ? "The session has been revoked" : "The access token has been revoked");
  }
}

/** A rotated refresh token came back: someone holds a copy, so the whole session is revoked. */
export class TokenReused extends Unauthenticated {
  static override readonly code = "TOKEN_REUSED";
  constructor() {
    super("This refresh token was already used; the session is revoked");
  }
}

export class SessionNotFound extends NotFound {
  static override readonly code = "SESSION_NOT_FOUND";
  constructor(sessionId: string) {
    super("No such active session", { sessionId });
  }
}
