-- A TICKIT-like ticket sales schema in Redshift DDL (users, venues, categories, a date
-- dimension, events, listings and sales), with the distribution and sort keys Redshift uses.
-- `dwsim demo` imports it; Redshift's physical options are read and ignored by other engines.

CREATE TABLE users (
    userid      INTEGER NOT NULL DISTKEY SORTKEY,
    username    CHAR(8),
    firstname   VARCHAR(30),
    lastname    VARCHAR(30),
    city        VARCHAR(30),
    state       CHAR(2),
    email       VARCHAR(100),
    phone       CHAR(14),
    likesports  BOOLEAN,
    liketheatre BOOLEAN,
    likeconcerts BOOLEAN,
    PRIMARY KEY (userid)
);

CREATE TABLE venue (
    venueid    SMALLINT NOT NULL DISTKEY SORTKEY,
    venuename  VARCHAR(100),
    venuecity  VARCHAR(30),
    venuestate CHAR(2),
    venueseats INTEGER,
    PRIMARY KEY (venueid)
);

CREATE TABLE category (
    catid    SMALLINT NOT NULL DISTKEY SORTKEY,
    catgroup VARCHAR(10),
    catname  VARCHAR(10),
    catdesc  VARCHAR(50),
    PRIMARY KEY (catid)
);

CREATE TABLE date (
    dateid  SMALLINT NOT NULL DISTKEY SORTKEY,
    caldate DATE NOT NULL,
    day     CHAR(3) NOT NULL,
    week    SMALLINT NOT NULL,
    month   CHAR(5) NOT NULL,
    qtr     CHAR(5) NOT NULL,
    year    SMALLINT NOT NULL,
    holiday BOOLEAN DEFAULT FALSE,
    PRIMARY KEY (dateid)
);

CREATE TABLE event (
    eventid   INTEGER NOT NULL DISTKEY,
    venueid   SMALLINT NOT NULL REFERENCES venue (venueid),
    catid     SMALLINT NOT NULL REFERENCES category (catid),
    dateid    SMALLINT NOT NULL SORTKEY REFERENCES date (dateid),
    eventname VARCHAR(200),
    starttime TIMESTAMP,
    PRIMARY KEY (eventid)
);

CREATE TABLE listing (
    listid         INTEGER NOT NULL DISTKEY,
    sellerid       INTEGER NOT NULL REFERENCES users (userid),
    eventid        INTEGER NOT NULL REFERENCES event (eventid),
    dateid         SMALLINT NOT NULL SORTKEY REFERENCES date (dateid),
    numtickets     SMALLINT NOT NULL,
    priceperticket DECIMAL(8,2),
    totalprice     DECIMAL(8,2),
    listtime       TIMESTAMP,
    PRIMARY KEY (listid)
);

CREATE TABLE sales (
    salesid    INTEGER NOT NULL,
    listid     INTEGER NOT NULL DISTKEY REFERENCES listing (listid),
    sellerid   INTEGER NOT NULL REFERENCES users (userid),
    buyerid    INTEGER NOT NULL REFERENCES users (userid),
    eventid    INTEGER NOT NULL REFERENCES event (eventid),
    dateid     SMALLINT NOT NULL SORTKEY REFERENCES date (dateid),
    qtysold    SMALLINT NOT NULL,
    pricepaid  DECIMAL(8,2),
    commission DECIMAL(8,2),
    saletime   TIMESTAMP,
    PRIMARY KEY (salesid)
)
DISTSTYLE KEY;
