-- Revenue by month of sale, with the month written out
select to_char(saletime, 'YYYY-MM') as sale_month, sum(pricepaid) as revenue,
       sum(commission) as commission
from sales
where saletime >= dateadd(month, -12, '2009-01-01')
group by to_char(saletime, 'YYYY-MM')
order by sale_month;
